"""Shared parts of the command-line face: console, error handling, option parsing."""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from gebied.errors import GebiedError, GebiedNotice, GebiedWarning

console = Console(stderr=False, highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


def print_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Print recorded GebiedWarnings (never silent), with their count."""
    for w in caught:
        if issubclass(w.category, GebiedNotice):
            err_console.print(f"[cyan]{w.message}[/]", soft_wrap=True)
    own = [w for w in caught if issubclass(w.category, GebiedWarning) and not issubclass(w.category, GebiedNotice)]
    for w in own:
        err_console.print(f"[yellow]Waarschuwing:[/] {w.message}", soft_wrap=True)
    if own:
        err_console.print(f"[yellow]{len(own)} waarschuwing(en)[/]")


def command(fn: F) -> F:
    """Wrap a CLI command: Dutch errors, exit 2 for bad input, 1 for internal errors.

    No traceback reaches the user. Warnings are printed and counted.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", GebiedWarning)
            try:
                result = fn(*args, **kwargs)
            except GebiedError as exc:
                print_warnings(caught)
                err_console.print(f"[bold red]Fout:[/] {exc.render()}", soft_wrap=True)
                raise typer.Exit(code=2) from None
            except typer.Exit:
                print_warnings(caught)
                raise
            except KeyboardInterrupt:
                err_console.print("[red]Afgebroken; eerdere uitvoer is niet aangeraakt.[/]")
                raise typer.Exit(code=130) from None
            except Exception as exc:  # noqa: BLE001 - last line of defence, no traceback
                print_warnings(caught)
                err_console.print(
                    f"[bold red]Interne fout:[/] {type(exc).__name__}: {exc}\n"
                    "Dit is een fout in gebied zelf; meld deze met de invoer die hem veroorzaakte.",
                    soft_wrap=True,
                )
                if os.environ.get("GEBIED_DEBUG"):
                    raise
                raise typer.Exit(code=1) from None
        print_warnings(caught)
        return result

    return wrapper  # type: ignore[return-value]


def parse_mapping(text: str, *, option: str) -> dict[str, float]:
    """Parse ``naam=waarde,naam=waarde`` into a dict of numbers."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "=" not in part:
            raise GebiedError(f"optie {option}: '{part}' heeft niet de vorm naam=waarde")
        key, value = (s.strip() for s in part.split("=", 1))
        try:
            out[key] = float(value)
        except ValueError:
            raise GebiedError(f"optie {option}: '{value}' bij '{key}' is geen getal") from None
    return out
