"""The task worker: django-tasks-db's, with a time limit on each task and a memory limit on
the process, so that no file or mail server can hold it for long."""

import resource
import signal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks_db.management.commands.db_worker import Worker


class TimeLimitExceeded(BaseException):
    """A task ran past its time limit. A BaseException, like KeyboardInterrupt, so that no
    ``except Exception`` in a library turns it into an ordinary error and carries on."""

    def __init__(self, seconds):
        super().__init__(seconds)
        self.seconds = seconds

    @property
    def message(self):
        return ngettext(
            "The task took longer than %(seconds)s second and was stopped.",
            "The task took longer than %(seconds)s seconds and was stopped.",
            self.seconds,
        ) % {"seconds": self.seconds}


def memory_message(limit_mb):
    return _("The task needed more than %(limit)s MB of memory and was stopped.") % {
        "limit": limit_mb
    }


def limit_memory(limit_mb):
    """Cap this process's address space: past it, allocations raise MemoryError."""
    if limit_mb <= 0:
        return
    limit = limit_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class LimitedWorker(Worker):
    """Runs each task under an alarm: past ``time_limit`` seconds, TimeLimitExceeded is
    raised inside it, the task's transaction rolls back and its result is recorded as
    failed."""

    def __init__(self, *, time_limit, **kwargs):
        super().__init__(**kwargs)
        self.time_limit = time_limit

    def _time_is_up(self, signum, frame):
        raise TimeLimitExceeded(self.time_limit)

    def run_task(self, db_task_result):
        if not self.time_limit:
            return super().run_task(db_task_result)
        previous = signal.signal(signal.SIGALRM, self._time_is_up)
        signal.setitimer(signal.ITIMER_REAL, self.time_limit)
        try:
            return super().run_task(db_task_result)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
