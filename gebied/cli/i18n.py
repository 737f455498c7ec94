"""Dutch texts for the help and usage errors that click and typer print themselves."""

from __future__ import annotations

import importlib
import re

NL: dict[str, str] = {
    "Usage:": "Gebruik:",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Arguments": "Argumenten",
    "Error": "Fout",
    "Aborted!": "Afgebroken!",
    "required": "verplicht",
    "default: {default}": "standaard: {default}",
    "Missing argument '{param_hint}'.": "Argument '{param_hint}' ontbreekt.",
    "Missing option '{param_hint}'.": "Optie '{param_hint}' ontbreekt.",
    "Missing parameter: {param_name}": "Parameter ontbreekt: {param_name}",
    "Missing {param_type}": "{param_type} ontbreekt",
    "Missing {param_type} '{param_hint}'.": "{param_type} '{param_hint}' ontbreekt.",
    "argument": "argument",
    "option": "optie",
    "parameter": "parameter",
    "No such option: {name}": "Onbekende optie: {name}",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "Got unexpected extra argument ({args})": "Onverwacht extra argument ({args})",
    "Option {name!r} requires an argument.": "Optie {name!r} vraagt om een waarde.",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen geldig {number_type}.",
    "integer": "geheel getal",
    "float": "getal",
    "Path {filename!r} does not exist.": "Pad {filename!r} bestaat niet.",
    "Try '{command} {option}' for help.": "Probeer '{command} {option}' voor hulp.",
}


def _nl(message: str) -> str:
    return NL.get(message, message)


#: Patterns for the messages typer's own click copy builds without gettext.
PATTERNS: list[tuple[str, str]] = [
    (r"^Missing argument '(.*)'\.$", r"Argument '\1' ontbreekt."),
    (r"^Missing option '(.*)'\.$", r"Optie '\1' ontbreekt."),
    (r"^Missing parameter: (.*)$", r"Parameter ontbreekt: \1"),
    (r"^No such option: (.*)$", r"Onbekende optie: \1"),
    (r"^No such command '(.*)'\.$", r"Onbekende opdracht '\1'."),
    (r"^Invalid value for (.*?): (.*)$", r"Ongeldige waarde voor \1: \2"),
    (r"^Invalid value: (.*)$", r"Ongeldige waarde: \1"),
    (r"^Got unexpected extra arguments? \((.*)\)$", r"Onverwacht extra argument (\1)"),
    (r"^Option '(.*)' requires an argument\.$", r"Optie '\1' vraagt om een waarde."),
]


def translate(message: str) -> str:
    """Dutch version of a click/typer usage message (unchanged when unknown)."""
    for pattern, repl in PATTERNS:
        new, n = re.subn(pattern, repl, message, flags=re.S)
        if n:
            return new
    return message


def _install_typer_click() -> None:
    try:
        from typer._click import core, exceptions, formatting
    except ImportError:  # older typer uses click itself, covered by gettext
        return
    original_help = core.Command.get_help_option

    def get_help_option(self, ctx):  # noqa: ANN001, ANN202
        opt = original_help(self, ctx)
        if opt is not None:
            opt.help = "Toon deze hulp en stop."
        return opt

    core.Command.get_help_option = get_help_option
    original_usage = formatting.HelpFormatter.write_usage

    def write_usage(self, prog, args="", prefix=None):  # noqa: ANN001, ANN202
        return original_usage(self, prog, args, "Gebruik: " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage
    for cls in (exceptions.UsageError, exceptions.BadParameter, exceptions.MissingParameter, exceptions.NoSuchOption):
        original = cls.__dict__.get("format_message")
        if original is None:
            continue

        def format_message(self, _original=original):  # noqa: ANN001, ANN202
            return translate(_original(self))

        cls.format_message = format_message


def install() -> None:
    """Route click's and typer's help and usage texts through the Dutch table."""
    _install_typer_click()
    for name in ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser", "click.types", "typer.core"):
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = _nl  # type: ignore[attr-defined]
    rich_utils = importlib.import_module("typer.rich_utils")
    rich_utils.ARGUMENTS_PANEL_TITLE = "Argumenten"
    rich_utils.OPTIONS_PANEL_TITLE = "Opties"
    rich_utils.COMMANDS_PANEL_TITLE = "Opdrachten"
    rich_utils.ERRORS_PANEL_TITLE = "Fout"
    rich_utils.ABORTED_TEXT = "Afgebroken."
    rich_utils.RICH_HELP = "Probeer [blue]'{command_path} {help_option}'[/] voor hulp."
    rich_utils.DEFAULT_STRING = "[standaard: {}]"
    rich_utils.REQUIRED_LONG_STRING = "[verplicht]"
    rich_utils.DEPRECATED_STRING = "(verouderd) "
    rich_utils.ENVVAR_STRING = "[omgevingsvariabele: {}]"
    if hasattr(rich_utils, "OptionHighlighter"):
        rich_utils.OptionHighlighter.highlights = [
            h.replace("Usage: ", "Gebruik: ") for h in rich_utils.OptionHighlighter.highlights
        ]
