"""Errors raised when the SOP refuses an action or a definition is malformed."""

from collections.abc import Iterable, Mapping
from enum import Enum

from rules.messages import MESSAGES


class _KeepMissing(dict[str, str]):
    """Leaves an unknown placeholder visible instead of failing while a message is shown."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _render_param(value: object, lang: str) -> str:
    if isinstance(value, RuleError):
        return value.message(lang)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(_render_param(item, lang) for item in value)
    return str(value)


class RuleError(Exception):
    """An action the SOP refuses: a stable `code` plus `params` for the message."""

    def __init__(
        self, code: str, params: Mapping[str, object] | None = None, /, **more: object
    ) -> None:
        self.code = code
        self.params: dict[str, object] = {**(params or {}), **more}
        super().__init__(code)

    def message(self, lang: str = "id") -> str:
        """The message in Bahasa Indonesia ("id") or English ("en"); other languages get "id".

        A parameter that is itself a RuleError (the reason inside a wider refusal) is shown
        in the same language.
        """
        templates = self._templates()
        if templates is None:
            # An uncatalogued code must still say something useful to whoever reads the log.
            return f"{self.code} {self.params}" if self.params else self.code
        template = templates.get(lang, templates["id"])
        values = _KeepMissing({k: _render_param(v, lang) for k, v in self.params.items()})
        return template.format_map(values)

    def _templates(self) -> Mapping[str, str] | None:
        """The message's templates by language; a subclass may keep a catalog of its own."""
        return MESSAGES.get(self.code)

    def __str__(self) -> str:
        return self.message("id")


class SopDefinitionError(RuleError):
    """A malformed SOP definition: names the source, the step (if any) and the reason."""

    def __init__(self, source: str, step: int | None, reason: str, /, **params: object) -> None:
        self.source = source
        self.step = step
        self.reason = RuleError(reason, params)
        if step is None:
            super().__init__("sop_invalid", source=source, reason=self.reason)
        else:
            super().__init__("sop_step_invalid", source=source, step=step, reason=self.reason)


class SopImportError(RuleError):
    """A problem in an SOP table being imported: the 1-based line (row) and the reason."""

    def __init__(self, line: int, reason: RuleError) -> None:
        self.line = line
        self.reason = reason
        super().__init__("sop_import_invalid", line=line, reason=reason)
