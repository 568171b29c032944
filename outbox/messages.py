"""The portal's e-mail message: every e-mail it sends is one."""

from email.policy import default as default_policy

from django.core.mail import EmailMultiAlternatives

# RFC 5322 allows lines of 998 characters. At Python's default of 78, a text with a link
# longer than a line goes out quoted-printable, its links cut by soft line breaks wherever
# the message is read as it is (the development server's console), and a header with no
# space in it is folded into RFC 2047 encoded words, where mail clients no longer see the
# unsubscribe address in List-Unsubscribe.
LONG_LINES = default_policy.clone(max_line_length=998)


class Message(EmailMultiAlternatives):
    """An e-mail written with lines as long as RFC 5322 allows: its text goes out as it is
    (8bit), every link whole on its line."""

    def message(self, *, policy=LONG_LINES):
        return super().message(policy=policy)
