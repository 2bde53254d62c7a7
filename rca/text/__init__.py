"""Complaint text: redaction, preparation, features and embeddings."""
