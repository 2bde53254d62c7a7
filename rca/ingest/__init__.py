"""Reading a council's export: files, encodings, column names, dates, codes, validation."""
