"""gunicorn's logger with calendar tokens masked (``logger_class`` in ``gunicorn.conf.py``).

gunicorn writes the request line to its access log and the path of a failed request to its error
log; both loggers get ``MaskSecretsFilter``, whatever ``access_log_format`` an operator chooses
(the filter masks the formatted line, not one atom).
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from config.log_filters import MaskSecretsFilter


class SecretMaskingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        # setup() runs again on a configuration reload (SIGHUP): add the filter once.
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, MaskSecretsFilter) for existing in log.filters):
                log.addFilter(MaskSecretsFilter())
