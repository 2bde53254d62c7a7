"""Case-store schema revisions, oldest first."""
