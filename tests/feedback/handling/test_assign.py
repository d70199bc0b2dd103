"""Giving a queue item to an official to handle: a leader assigns, a handler hands over; the official is told;
the history says to whom; the assignee becomes the handler (who alone sees a complaint's or denunciation's
sender, with the leader for a complaint)."""

from sqlalchemy import select

from app.extensions import db
from app.feedback import actions
from app.feedback.models import Feedback, FeedbackEvent
from app.feedback.permissions import can_view_identity
from app.outbox.models import Notification
from tests.feedback.handling.conftest import make_item


def _assign(client, item, official, reason=""):
    return client.post(
        f"/manage/queue/{item.id}/assign", data={"assign-official": str(official.id), "assign-reason": reason}
    )


def _reload(item):
    db.session.expire_all()
    return db.session.get(Feedback, item.id)


def test_a_leader_assigns_an_item_and_the_official_is_told(client, units, official, colleague, leader, login):
    item = make_item(units[1])
    colleague.email = "canbo.a2@example.vn"
    db.session.commit()
    login(leader)
    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)
    assert "Giao cán bộ xử lý" in page and f'value="{colleague.id}"' in page
    response = _assign(client, item, colleague, reason="Anh phụ trách địa bàn thôn Đồng Đình.")
    assert response.status_code == 302
    item = _reload(item)
    assert item.assigned_to_id == colleague.id and item.status == "received"
    event = db.session.scalars(select(FeedbackEvent).where(FeedbackEvent.action == "assign")).one()
    assert (event.actor_id, event.is_public, event.data["to"]) == (leader.id, False, colleague.id)
    assert "Giao cho Cán bộ canbo.a2" in client.get(f"/manage/queue/{item.id}").get_data(as_text=True)
    told = db.session.scalars(select(Notification).where(Notification.template == "staff.assigned")).all()
    assert [row.payload["user_id"] for row in told] == [colleague.id]
    assert "Nguyễn Thị Mai" not in str(told[0].payload)  # what the citizen wrote or who they are: never


def test_only_a_leader_or_the_handler_gives_an_item_away(client, units, official, colleague, login):
    item = make_item(units[1])
    login(colleague)  # an official of the unit; the item has no handler yet
    assert "Giao cán bộ xử lý" not in client.get(f"/manage/queue/{item.id}").get_data(as_text=True)
    assert _assign(client, item, colleague).status_code == 403
    assert _reload(item).assigned_to_id is None

    actions.acknowledge(item, official)  # accepting it makes the official its handler
    db.session.commit()
    login(official)
    assert _assign(client, item, colleague, reason="Bàn giao khi đi công tác.").status_code == 302
    assert _reload(item).assigned_to_id == colleague.id


def test_an_item_is_given_only_to_a_working_official_of_its_unit(client, units, official, official_b, leader, login):
    item = make_item(units[1])
    login(leader)
    refused = _assign(client, item, official_b)  # commune B's
    assert refused.status_code == 200 and "Hãy chọn một cán bộ trong danh sách." in refused.get_data(as_text=True)
    assert _reload(item).assigned_to_id is None
    actions.assign(item, leader, official.id)
    db.session.commit()
    again = _assign(client, item, official)  # already theirs: not in the list any more
    assert again.status_code == 200 and _reload(item).assigned_to_id == official.id


def test_the_assignee_becomes_the_one_who_sees_a_complaints_sender(units, official, colleague, leader):
    item = make_item(units[1], kind="complaint")
    actions.acknowledge(item, official)
    db.session.commit()
    assert can_view_identity(official, item) and not can_view_identity(colleague, item)
    actions.assign(item, leader, colleague.id)
    db.session.commit()
    assert can_view_identity(colleague, item) and not can_view_identity(official, item)
    assert can_view_identity(leader, item)


def test_a_closed_item_is_not_assigned(client, units, official, colleague, leader, login):
    item = make_item(units[1])
    actions.reply(item, official, "<p>Đã có lịch sửa đường.</p>")
    actions.close(item, official)
    db.session.commit()
    login(leader)
    assert "Giao cán bộ xử lý" not in client.get(f"/manage/queue/{item.id}").get_data(as_text=True)
    _assign(client, item, colleague)
    assert _reload(item).assigned_to_id == official.id
