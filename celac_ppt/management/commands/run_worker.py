"""Run the background tasks (imports, e-mails) with a time limit per task and a memory limit
on the worker: django-tasks-db's ``db_worker`` with the portal's limits."""

import os
import signal

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from celac_ppt.worker import LimitedWorker, limit_memory


class Command(db_worker.Command):
    help = (
        "Run the portal's background tasks (imports, e-mails) from every queue. Each task is "
        "stopped after TASK_TIME_LIMIT seconds; the process may use TASK_MEMORY_LIMIT_MB."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*")
        parser.add_argument(
            "--time-limit",
            type=int,
            default=settings.TASK_TIME_LIMIT,
            help="seconds one task may run (default: TASK_TIME_LIMIT, %(default)s; 0: none)",
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=settings.TASK_WORKER_NICE,
            help="how much to lower the worker's CPU priority, so that app servers on the "
            "same machine answer first (default: TASK_WORKER_NICE, %(default)s)",
        )
        parser.add_argument(
            "--memory-limit",
            type=int,
            default=settings.TASK_MEMORY_LIMIT_MB,
            help="MB of address space for the worker (default: TASK_MEMORY_LIMIT_MB, "
            "%(default)s; 0: none)",
        )

    def handle(self, *, verbosity, time_limit, memory_limit, nice, reload, batch, **options):
        self.configure_logging(verbosity)
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        limit_memory(memory_limit)
        if nice > 0:
            os.nice(nice)
        worker = LimitedWorker(
            time_limit=time_limit,
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            else:
                # Started in the background (as `make run` does), the reloading process
                # inherits an ignored SIGINT: let Ctrl-C stop it, and so its worker.
                signal.signal(signal.SIGINT, signal.default_int_handler)
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
