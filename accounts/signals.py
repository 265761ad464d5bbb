"""Signals other apps listen to (receivers connect in their ``AppConfig.ready``)."""

from django.dispatch import Signal

# Sent by ``User.save`` in the transaction that stores a new password (kwargs: ``user``):
# whatever a stolen password could have been exchanged for must stop working.
password_changed = Signal()
