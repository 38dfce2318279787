"""Children's personal data (Law 91/2025/QH15): export one student, erase one student, purge old years.

services.py holds the logic, cli.py the `flask privacy …` commands, notice.py the public notice page.
The school officer's buttons live with the school blueprint (quizapp/school/privacy_views.py).
"""
