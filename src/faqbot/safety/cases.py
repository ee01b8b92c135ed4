"""Rule cases, kept beside the rules in YAML (``cases: {fires: [...], never: [...]}``), run here.

``faqbot check`` and ``faqbot coverage`` run them, so staff who add a red flag add the messages it
must and must never meet in the same file, not in Python. A ``fires`` case must be met by its own
rule; a ``never`` case of a folder's rule must not be flagged as an emergency by any rule, and one
of the built-in layer by no built-in rule (nor be met by its own rule at all).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..content.rules import SafetyRules
from .triage import Triage


@dataclass
class CaseResult:
    layer: str          # "built-in", "safety.yaml" or "scope.yaml"
    rule: str
    message: str
    expected: str       # "fires" or "never"
    passed: bool
    got: str            # the rules that met it, or "nothing"


def run_cases(triage: Triage, scope: SafetyRules | None = None, scope_name: str = "scope.yaml") -> list[CaseResult]:
    """Every case of the built-in layer, of the folder's safety.yaml and of its scope.yaml."""
    results = []
    owners = [("built-in", rule) for rule in triage.builtin.rules]
    owners += [(triage.folder_name, rule) for rule in triage.folder.rules]
    for layer, rule in owners:
        for expected, messages in (("fires", rule.fires), ("never", rule.never)):
            for message in messages:
                findings = triage.assess(message).findings
                own = [f for f in findings if f.layer == layer and f.id == rule.id]
                if expected == "fires":
                    passed = bool(own)
                else:
                    # A built-in case is the built-in layer's promise: a folder's own broad rule
                    # flagging it is that folder's choice (check notes it), not a broken case.
                    judged = [f for f in findings if f.layer == "built-in"] if layer == "built-in" else findings
                    passed = not own and not any(f.urgent for f in judged)
                got = ", ".join(f.id if f.layer == "built-in" else f"{f.id} ({f.layer})" for f in findings)
                results.append(CaseResult(layer, rule.id, message, expected, passed, got or "nothing"))
    for rule in (scope.rules if scope is not None else []):
        for message in rule.fires:
            met = scope.triage(message)
            results.append(CaseResult(scope_name, rule.id, message, "fires", met is rule, met.id if met else "nothing"))
        for message in rule.never:
            met = scope.triage(message)
            results.append(CaseResult(scope_name, rule.id, message, "never", met is None, met.id if met else "nothing"))
    return results
