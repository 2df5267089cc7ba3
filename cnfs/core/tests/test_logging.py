"""Logging configuration: one line per record, whatever logger it comes from."""

import logging

from django.conf import settings
from django.utils.log import configure_logging


def _handlers_reached(logger: logging.Logger) -> list[logging.Handler]:
    reached = []
    while logger is not None:
        reached.extend(logger.handlers)
        if not logger.propagate:
            break
        logger = logger.parent
    return reached


def test_a_django_record_reaches_one_console_handler():
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    streams = [
        h for h in _handlers_reached(logging.getLogger("django.request")) if isinstance(h, logging.StreamHandler)
    ]
    assert len(streams) == 1
