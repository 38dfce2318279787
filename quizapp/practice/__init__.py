"""Practice: students rehearse real tasks on simulated portal screens (content/practice/*.md)."""
