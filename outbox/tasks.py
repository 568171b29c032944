from django.tasks import task

from . import mail


@task(queue_name="email")
def send_email(email_id):
    """Send one queued e-mail (outbox.models.OutgoingEmail); a failure schedules the next
    attempt, up to EMAIL_MAX_ATTEMPTS."""
    return mail.deliver(email_id)
