"""The what-if form: the weights and every rule number a project's score depends on, named as
``scorer whatif --set`` names them and changed by scorer.whatif, never by the page itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..messages import Message, render, say, words

if TYPE_CHECKING:
    from ..scheme import Scheme


def whatif_fields(scheme, lang: str) -> list[tuple[str, bool, list[dict[str, Any]]]]:
    """The what-if form in groups (heading, open, fields): each project's weight (项目=分值),
    each template's rule numbers (模板.指标.参数, for all its projects), then each project's
    own (项目.指标.参数): the settings ``scorer whatif --set`` takes, from scorer.whatif."""
    from ..whatif import parameters

    weights = [{"key": f"w{n}", "setting": p.name, "label": p.name, "value": p.weight,
                "kind": "weight"} for n, p in enumerate(scheme.projects)]  # fmt: skip
    groups: list[tuple[str, bool, list[dict[str, Any]]]] = [
        (render("serve.whatif_weights", lang), True, weights)
    ]
    users: dict[str, int] = {}
    for project in scheme.projects:
        template = scheme.template_name(project)
        if template is not None:
            users[template] = users.get(template, 0) + 1
    by_owner: dict[tuple[str, bool], list[dict[str, Any]]] = {}
    for n, parameter in enumerate(parameters(scheme)):
        by_owner.setdefault((parameter.owner, parameter.template), []).append({
            "key": f"p{n}", "setting": parameter.setting, "value": parameter.value,
            "label": f"{parameter.indicator} · {parameter_words(parameter.path, lang)}",
            "kind": "parameter",
        })  # fmt: skip
    for (owner, template), found in by_owner.items():
        heading = (render("serve.whatif_template", lang, name=owner, n=users.get(owner, 0))
                   if template else render("serve.whatif_project", lang, name=owner))  # fmt: skip
        groups.append((heading, False, found))
    return groups


def parameter_words(path: tuple[str, ...], lang: str) -> str:
    """A rule number's name in words (第 2 档：不低于), or its path when it has none."""

    def catalog_has(code: str) -> bool:
        return code in words(lang)

    head, *rest = path
    code = f"serve.param.{head}"
    if not rest:
        return render(code, lang) if catalog_has(code) else head
    if head == "tiers" and len(rest) == 2 and catalog_has(f"serve.param.tier.{rest[1]}"):
        what = render(f"serve.param.tier.{rest[1]}", lang)
        return render("serve.param.tier", lang, n=rest[0], what=what)
    if head in ("loss", "gain") and len(rest) == 1 and catalog_has(f"serve.param.step.{rest[0]}"):
        return render(code, lang, what=render(f"serve.param.step.{rest[0]}", lang))
    if head == "expected" and len(rest) == 1:
        return render(code, lang, month=rest[0])
    if head == "bands" and rest[1:] == ["points"]:
        return render("serve.param.band", lang, n=rest[0])
    if head == "sequence" and len(rest) == 1 and catalog_has(f"serve.param.sequence.{rest[0]}"):
        return render(f"serve.param.sequence.{rest[0]}", lang)
    return ".".join(path)


def changed_scheme(
    scheme: Scheme, fields: list[dict[str, Any]], keep_total: bool
) -> tuple[Scheme, list[Message]] | Message | None:
    """The scheme with the form's settings, as ``scorer whatif --set`` changes it. When that is
    refused, each setting is tried alone so that its problem is shown at its field: None then
    says the problems are at their fields, a Message that the settings are refused together."""
    from ..whatif import changed

    settings = [f"{f['setting']}={f['given']}" for f in fields]
    try:
        return changed(scheme, settings, keep_total)
    except UsageError as exc:
        whole = exc.said if isinstance(exc.said, Message) else say("serve.failed", error=exc)
    at_fields = False
    for f, setting in zip(fields, settings):
        try:
            changed(scheme, [setting], keep_total)
        except UsageError as exc:
            said = exc.said if isinstance(exc.said, Message) else whole
            # at its field the setting need not be repeated: what is wrong with the value
            f["problem"] = said.params["detail"] if said.code == "set.bad_value" else said
            at_fields = True
    return None if at_fields else whole
