"""The referral pages: the form explains missing consent, the detail shows the
history and records the read, steps are recorded, lists keep their query count."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.choices import Purpose
from referrals import services
from referrals.models import Referral
from tests.db_snapshot import snapshot
from tests.factories import ClientFactory, put_on_team
from tests.referrals.conftest import give_consent

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _new(person):
    return reverse("referrals:new", args=[person.pk])


def _form(partner, **fields):
    return {
        "partner": partner.pk,
        "reason": "Needs a bed for the winter.",
        "referred_on": TODAY().isoformat(),
        **fields,
    }


def test_the_form_lists_our_services_apart_from_community_partners(
    client, peer, person, shelter, clinic_service
):
    client.force_login(peer)
    page = client.get(_new(person)).content.decode()
    assert '<optgroup label="Services of our organisation">' in page
    assert '<optgroup label="Community partners">' in page
    assert page.index("Service social de la clinique") < page.index("Refuge du Plateau")


def test_the_form_says_before_submitting_which_consent_a_partner_needs(
    client, peer, person, shelter
):
    client.force_login(peer)
    page = client.get(_new(person), {"partner": shelter.pk}).content.decode()
    assert "The person’s consent for “referral to a partner” is not in force" in page
    consent_link = reverse("clients:consent_add", args=[person.pk]) + "?purpose=partner_referral"
    assert consent_link in page


def test_a_referral_without_sharing_consent_is_explained_on_the_partner_field_and_not_saved(
    client, peer, person, shelter
):
    client.force_login(peer)
    before = snapshot()
    response = client.post(_new(person), _form(shelter))
    assert response.status_code == 200
    errors = response.context["form"].errors["partner"]
    assert errors == [
        "The person’s consent for “referral to a partner” is not in force: record it "
        "before referring them there."
    ]
    assert snapshot() == before


def test_with_the_consent_recorded_the_referral_saves_and_opens(
    client, peer, person, shelter, coordinator
):
    give_consent(person, Purpose.PARTNER_REFERRAL, coordinator)
    client.force_login(peer)
    response = client.post(_new(person), _form(shelter))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    assert referral.status == "proposed" and referral.created_by == peer


def test_a_service_of_our_organisation_saves_without_sharing_consent(
    client, peer, person, clinic_service
):
    client.force_login(peer)
    response = client.post(_new(person), _form(clinic_service))
    assert response.status_code == 302
    assert Referral.objects.get().partner == clinic_service


def test_a_coordinator_does_not_refer_and_a_closed_file_takes_no_referral(
    client, coordinator, peer, person
):
    client.force_login(coordinator)
    assert client.get(_new(person)).status_code == 404
    person.closed_on = TODAY()
    person.save()
    client.force_login(peer)
    assert client.get(_new(person)).status_code == 403


def test_the_care_team_reads_the_reason_and_the_read_is_recorded(client, peer, referral):
    client.force_login(peer)
    response = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert "Needs a bed for the winter." in response.content.decode()
    read = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(referral.pk))
    assert read.filter(actor=peer).count() == 1


def test_a_coordinator_sees_where_it_stands_never_why(client, coordinator, referral):
    client.force_login(coordinator)
    response = client.get(reverse("referrals:detail", args=[referral.pk]))
    page = response.content.decode()
    assert "Needs a bed" not in page
    assert "Proposed" in page
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_someone_off_the_team_gets_404(client, other_peer, referral):
    client.force_login(other_peer)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert client.get(reverse("referrals:status", args=[referral.pk])).status_code == 404


def test_recording_a_step_offers_only_the_allowed_moves_and_saves_it(client, peer, referral):
    client.force_login(peer)
    url = reverse("referrals:status", args=[referral.pk])
    form = client.get(url).context["form"]
    assert [value for value, _ in form.fields["status"].choices] == ["sent", "declined", "closed"]
    response = client.post(url, {"status": "sent", "changed_on": TODAY().isoformat()})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_a_step_dated_before_the_referral_is_refused_on_its_field(client, peer, referral):
    client.force_login(peer)
    response = client.post(
        reverse("referrals:status", args=[referral.pk]),
        {"status": "sent", "changed_on": (referral.referred_on - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "changed_on" in response.context["form"].errors
    referral.refresh_from_db()
    assert referral.status == "proposed"


def test_an_ended_referral_answers_403_to_a_new_step(client, peer, referral):
    services.referral_change_status(
        acting_user=peer, referral=referral, status="closed", outcome="No longer needed."
    )
    client.force_login(peer)
    assert client.get(reverse("referrals:status", args=[referral.pk])).status_code == 403


# Lists keep their number of queries whatever their rows.


def _referrals(n, peer, shelter, coordinator):
    for index in range(n):
        person = ClientFactory(display_name=f"Person {index}")
        put_on_team(person, peer)
        give_consent(person, Purpose.PEER_SUPPORT, coordinator)
        give_consent(person, Purpose.PARTNER_REFERRAL, coordinator)
        services.referral_create(
            acting_user=peer, client=person, partner=shelter, reason="Needs a bed."
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_the_open_referrals_list_makes_the_same_8_queries_for_1_or_50(
    client, peer, shelter, coordinator
):
    # Two of them read the viewer's care teams and uses of the safety exception,
    # once for the request, so that the menu's count of unread shared notes
    # reads the viewer's own people's notes only.
    client.force_login(peer)
    _referrals(1, peer, shelter, coordinator)
    one, response = _queries(client, reverse("referrals:list"))
    assert len(response.context["page"]) == 1
    _referrals(49, peer, shelter, coordinator)
    fifty, response = _queries(client, reverse("referrals:list"))
    assert len(response.context["page"]) == 50
    assert one == fifty == 8


def test_the_person_page_lists_referrals_in_the_same_queries_for_1_or_50(
    client, peer, person, clinic_service
):
    def refer(n):
        for _ in range(n):
            services.referral_create(
                acting_user=peer, client=person, partner=clinic_service, reason="Help with papers."
            )

    client.force_login(peer)
    url = reverse("clients:detail", args=[person.pk])
    refer(1)
    one, response = _queries(client, url)
    assert len(response.context["referral_list"]) == 1
    refer(49)
    fifty, response = _queries(client, url)
    page = response.content.decode()
    assert len(response.context["referral_list"]) == 50
    assert page.count(">Record a status change<") == 50
    assert "Help with papers" not in page  # no reason on the person's page
    assert one == fifty


def test_choosing_a_partner_with_htmx_brings_the_notice_for_that_partner(
    client, peer, person, shelter, clinic_service
):
    client.force_login(peer)
    headers = {"HX-Request": "true"}
    outside = client.get(_new(person), {"partner": shelter.pk}, headers=headers)
    assert "is not in force: record it" in outside.content.decode()
    ours = client.get(_new(person), {"partner": clinic_service.pk}, headers=headers)
    page = ours.content.decode()
    assert "The consents a referral to Service social de la clinique needs are in force." in page
    assert "not needed for this service" in page


def test_the_step_form_says_what_sending_lacks_once_consent_is_withdrawn(
    client, peer, referral, coordinator
):
    from clients.choices import Decision

    give_consent(referral.client, Purpose.PARTNER_REFERRAL, coordinator, Decision.WITHDRAWN)
    client.force_login(peer)
    url = reverse("referrals:status", args=[referral.pk])
    assert "Sending the referral needs these consents" in client.get(url).content.decode()
    response = client.post(url, {"status": "sent", "changed_on": TODAY().isoformat()})
    assert "referral to a partner" in response.context["form"].errors["status"][0]
    referral.refresh_from_db()
    assert referral.status == "proposed"


def test_the_list_shows_open_referrals_and_on_request_ended_ones_too(
    client, peer, referral, person, clinic_service
):
    ended = services.referral_create(
        acting_user=peer, client=person, partner=clinic_service, reason="Papers."
    )
    services.referral_change_status(
        acting_user=peer, referral=ended, status="closed", outcome="Done elsewhere."
    )
    client.force_login(peer)
    shown = list(client.get(reverse("referrals:list")).context["page"])
    assert shown == [referral]
    everything = list(client.get(reverse("referrals:list"), {"ended": "1"}).context["page"])
    assert set(everything) == {referral, ended}


def test_the_list_of_someone_off_the_team_is_empty(client, other_peer, referral):
    client.force_login(other_peer)
    assert list(client.get(reverse("referrals:list"), {"ended": "1"}).context["page"]) == []
