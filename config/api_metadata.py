"""The OPTIONS answer of the API (its own module: DRF imports it while loading its settings)."""

from __future__ import annotations

from rest_framework.metadata import SimpleMetadata


class ShallowMetadata(SimpleMetadata):
    """OPTIONS answers as DRF's, but describes nested serializers only two levels deep: a
    recursive serializer (an agenda item's ``children``) would otherwise never end."""

    max_depth = 2

    def get_serializer_info(self, serializer):
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > self.max_depth:
                return {}
            return super().get_serializer_info(serializer)
        finally:
            self._depth -= 1
