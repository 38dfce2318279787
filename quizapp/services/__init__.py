"""Domain operations in plain functions. They flush but never commit: the view or command commits once."""
