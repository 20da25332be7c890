"""The demo as `stratflow demo` loads it: the consultant follows three municipalities at
different points of the cycle, so the cockpit has rows to compare."""

from stratflow.cli import demo_command
from stratflow.extensions import db
from stratflow.models import Municipality, ProcessInstance, User
from stratflow.services import overview


def test_demo_command_loads_three_followed_municipalities(app, definition):
    result = app.test_cli_runner().invoke(demo_command)
    assert result.exit_code == 0, result.output
    db.session.remove()
    consultant = db.session.execute(db.select(User).filter_by(email="danisman@aymett.example")).scalar_one()
    names = {m.name for m in db.session.execute(db.select(Municipality)).scalars()}
    assert names == {"Çamlıtepe Belediyesi", "Karadere Büyükşehir Belediyesi", "Akçakaya Belediyesi"}
    assert consultant.municipality_ids("consultant") == {m.id for m in db.session.execute(
        db.select(Municipality)).scalars()}
    started = {i.municipality.name for i in db.session.execute(db.select(ProcessInstance)).scalars()}
    assert started == {"Çamlıtepe Belediyesi", "Karadere Büyükşehir Belediyesi"}

    with app.test_request_context():
        rows = {r.municipality.name: r for r in overview.cockpit(consultant).rows}
    assert set(rows) == names
    assert overview.phase_key(rows["Akçakaya Belediyesi"]) == "none"
    assert overview.phase_key(rows["Karadere Büyükşehir Belediyesi"]) == "circular"
    assert overview.phase_key(rows["Çamlıtepe Belediyesi"]) == "organisation"
    # the metropolitan process waits for its own coordinator's circular draft
    coordinator = db.session.execute(db.select(User).filter_by(email="strateji@karadere.bel.tr")).scalar_one()
    from stratflow.services import access
    assert [t.bpmn_id for t in access.inbox(coordinator)] == ["circular_draft"]
    second = app.test_cli_runner().invoke(demo_command)
    assert second.exit_code != 0 and "already" in second.output
