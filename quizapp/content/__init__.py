"""The content engine: Markdown lessons and quizzes in /content, checked and loaded into the database."""
