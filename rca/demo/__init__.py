"""The bundled demo data: a generated council's two complaint years."""
