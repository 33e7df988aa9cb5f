"""The encounter an accompaniment becomes: where it took place."""

import pytest

from agenda.models import AccompanimentKind, FollowUp
from agenda.views.accompaniments import encounter_setting
from interventions.choices import Setting
from partners.choices import PartnerKind
from partners.models import Partner

pytestmark = pytest.mark.django_db


def kind(name):
    return AccompanimentKind.objects.get(name_en=name)


def test_a_court_accompaniment_becomes_an_encounter_at_court():
    assert encounter_setting(FollowUp(kind=kind("Court"))) == (Setting.COURT, None)


def test_a_medical_appointment_becomes_an_encounter_at_a_clinic():
    assert encounter_setting(FollowUp(kind=kind("Medical appointment"))) == (Setting.CLINIC, None)


def test_a_kind_without_a_setting_becomes_other_until_a_coordinator_gives_it_one():
    visit = kind("Housing visit")
    assert encounter_setting(FollowUp(kind=visit)) == (Setting.OTHER, None)
    visit.setting = Setting.HOME
    assert encounter_setting(FollowUp(kind=visit)) == (Setting.HOME, None)


@pytest.mark.parametrize(
    ("partner_kind", "setting"),
    [(PartnerKind.SHELTER, Setting.SHELTER), (PartnerKind.LEGAL, Setting.PARTNER)],
)
def test_a_named_partner_decides_the_setting_whatever_the_kind(partner_kind, setting):
    partner = Partner(name="Somewhere", kind=partner_kind)
    follow_up = FollowUp(kind=kind("Court"), place_partner=partner)
    assert encounter_setting(follow_up) == (setting, partner)
