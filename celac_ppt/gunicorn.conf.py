"""gunicorn settings for the portal: `gunicorn -c celac_ppt/gunicorn.conf.py celac_ppt.wsgi`.

Sized for a 2-core box; every value can be changed from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# cores + 1: rendering a page is CPU work (the plan and its figures are kept in memory,
# the database answers in well under a millisecond), so more workers than cores only
# take turns on them; the extra one keeps a core busy while another waits on a slow
# export. 3 on a 2-core box, where bench/run.py measured the uncached dashboard 16 %
# faster than with 5 and static files no slower.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "sync"
# A request that runs longer than this is killed and its worker replaced (the slowest page,
# an export, takes a few seconds); graceful_timeout lets a stopping worker finish its request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycling workers now and then bounds the memory any slow leak can take.
max_requests = 1000
max_requests_jitter = 100
# Requests go to standard output with the client, time taken and the proxy's address.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
# The reverse proxy in front sets X-Forwarded-Proto; only trust it from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Keep worker heartbeat files in memory rather than on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
