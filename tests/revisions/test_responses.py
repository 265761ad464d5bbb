"""The part of a cached body's key that is not data: the code, translations and settings that
render it (``release``), so a deploy never serves what other code rendered."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from revisions.responses import CachedRepresentations, release


def test_the_release_digest_follows_code_translations_and_settings(settings, tmp_path):
    (tmp_path / "workflow").mkdir()
    (tmp_path / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    source, catalogue = tmp_path / "workflow" / "serializers.py", tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.mo"
    source.write_text("A = 1\n")
    catalogue.write_bytes(b"\x00")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("B = 1\n")
    settings.BASE_DIR = tmp_path
    seen = []
    try:
        for change in (lambda: None, lambda: source.write_text("A = 2\n"), lambda: catalogue.write_bytes(b"\x01"),
                       lambda: setattr(settings, "SESSION_DEFAULT_DAY", 20)):
            change()
            release.cache_clear()
            seen.append(release())
        (tmp_path / "tests" / "test_x.py").write_text("B = 2\n")  # tests render nothing
        release.cache_clear()
        assert release() == seen[-1]
    finally:
        release.cache_clear()
    assert len(set(seen)) == len(seen)


def test_a_view_that_caches_must_say_what_its_body_depends_on():
    with pytest.raises(ImproperlyConfigured, match="representation_key"):
        type("NoKeyView", (CachedRepresentations,), {"cached_actions": frozenset({"list"})})
    keyed = type("KeyedView", (CachedRepresentations,), {"cached_actions": frozenset({"list"}),
                                                         "representation_key": lambda self, *a: ()})
    assert keyed.cached_actions == {"list"}
