"""gunicorn settings of the web container (Dockerfile, docker-compose.yml): ``gunicorn -c
gunicorn.conf.py config.wsgi:application``. gunicorn also reads this file by itself when started
from the project's directory. Bind address, workers and log destinations stay on the command
line; this file only makes every log line keep calendar tokens out (config/log_filters.py)."""

logger_class = "config.gunicorn_logging.SecretMaskingLogger"
