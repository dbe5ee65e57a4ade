"""The allowed transitions, read from the models' FSM definitions: for the advisor's help page (a Mermaid
diagram and a table) and for the organisation's progress indicator. Nothing here is drawn by hand."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "submit": _("submit"),
    "start_review": _("start review"),
    "request_changes": _("request changes"),
    "resubmit": _("resubmit"),
    "approve": _("approve"),
    "reject": _("reject"),
    "withdraw": _("withdraw"),
    "start_project": _("start project"),
    "mark_report_due": _("report due"),
    "submit_report": _("submit report"),
    "accept_report": _("accept report"),
    "request_report_corrections": _("ask for corrections"),
    "plan": _("bundle into a session"),
    "schedule": _("announce session"),
    "mark_held": _("mark as held"),
    "close": _("close"),
    "decline": _("decline"),
    "verify": _("verify"),
    "make_dormant": _("mark as dormant"),
    "reactivate": _("reactivate"),
    "dissolve": _("dissolve"),
    "create": _("create"),
    "share_for_advice": _("share for advice"),
}
ACTOR_LABELS = {"board": _("board"), "advisor": _("KI")}


@dataclass(frozen=True)
class Edge:
    action: str
    source: str
    target: str
    actor: str

    @property
    def label(self):
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def actor_label(self):
        return ACTOR_LABELS.get(self.actor, self.actor)


def edges(model):
    """Every (action, source → target, actor) the model's state field allows, ordered by the states' order."""
    field = model._meta.get_field("state")
    order = {value: index for index, (value, _label) in enumerate(field.flatchoices)}
    found = [Edge(t.name, t.source, t.target, (t.custom or {}).get("actor", "")) for t in field.get_all_transitions(model)]
    return sorted(found, key=lambda e: (order.get(e.source, -1), order.get(e.target, -1), e.action))


def mermaid(model):
    """A Mermaid `stateDiagram-v2` of the model's transitions, labels in the active language."""
    states = dict(model._meta.get_field("state").flatchoices)
    lines = ["stateDiagram-v2", f"    [*] --> {model._meta.get_field('state').default}"]
    lines += [f"    {value}: {label}" for value, label in states.items()]
    lines += [f"    {e.source} --> {e.target}: {e.label} ({e.actor_label})" for e in edges(model)]
    return "\n".join(lines)


def main_path(model, *, start, end):
    """The shortest way from `start` to `end` through the allowed transitions: the happy path that the
    organisation's progress indicator shows (draft → … → closed)."""
    previous, frontier = {start: None}, [start]
    while frontier and end not in previous:
        state = frontier.pop(0)
        for edge in edges(model):
            if edge.source == state and edge.target not in previous:
                previous[edge.target] = state
                frontier.append(edge.target)
    path, state = [], end
    while state is not None:
        path.insert(0, state)
        state = previous[state]
    return path
