"""What happens after a state change has been committed: the one place where effects hang.

Today: the other side is told by e-mail (the organisation's board when the KI acted, the assigned advisor —
or all advisors — when the organisation acted). Decision letters as PDFs will hang here too.
"""

from .tasks import notify_transition_task


def after_transition(log_pk):
    notify_transition_task.delay(log_pk)
