"""A file handed over with a message (e.g. a session's .ics), stored on the row as JSON."""

from __future__ import annotations

import base64
from dataclasses import dataclass


@dataclass(frozen=True)
class Attachment:
    """A file the caller hands over with its message (e.g. a session's .ics)."""

    filename: str
    content: str | bytes
    mimetype: str

    def as_json(self) -> dict:
        if isinstance(self.content, bytes):
            content, encoded = base64.b64encode(self.content).decode("ascii"), True
        else:
            content, encoded = self.content, False
        return {"filename": self.filename, "mimetype": self.mimetype, "content": content, "base64": encoded}

    @classmethod
    def from_json(cls, data: dict) -> Attachment:
        content = base64.b64decode(data["content"]) if data.get("base64") else data["content"]
        return cls(filename=data["filename"], content=content, mimetype=data["mimetype"])
