"""Who must sign in with a second factor, setting one up, recovery codes, and
a coordinator's reset (accounts/two_factor.py)."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from audit.models import SignInEvent
from peersupport.models import User
from peersupport.roles import Role
from peersupport.second_factor import has_second_factor, verify_code
from tests.accounts.two_factor_tools import a_while_later, phone_for, with_app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES_ONLY = override_settings(
    TWO_FACTOR_REQUIRED_FOR_ROLES=True, TWO_FACTOR_REQUIRED_FOR_ALL=False
)
EVERYONE = override_settings(TWO_FACTOR_REQUIRED_FOR_ROLES=True, TWO_FACTOR_REQUIRED_FOR_ALL=True)
NOBODY = override_settings(TWO_FACTOR_REQUIRED_FOR_ROLES=False, TWO_FACTOR_REQUIRED_FOR_ALL=False)

# Whether each persona must have a second factor under the roles' rule alone,
# and why: coordinators (accounts, audit, the safety exception and exports),
# clinicians (the safety exception), researchers (research exports).
REQUIRED_BY_ROLE = {
    "peer": [],
    "clinician": ["You may open a person's notes with the safety exception."],
    "researcher": ["You may export research data."],
    "coordinator": [
        "You manage accounts and read the audit trail.",
        "You may open a person's notes with the safety exception.",
        "You may export research data.",
    ],
    "outsider": [],
}


def _events(user, event):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(user.pk),
        additional_data__event=event,
    )


# Who must have it.


@ROLES_ONLY
@pytest.mark.parametrize(("persona", "reasons"), REQUIRED_BY_ROLE.items())
def test_the_roles_rule_asks_coordinators_clinicians_and_researchers(request, persona, reasons):
    user = request.getfixturevalue(persona)
    assert two_factor.required_because(user) == reasons
    assert two_factor.is_two_factor_required(user) == bool(reasons)


@EVERYONE
@pytest.mark.parametrize("persona", REQUIRED_BY_ROLE)
def test_the_setting_for_all_asks_every_role(request, persona):
    user = request.getfixturevalue(persona)
    assert two_factor.required_because(user)[0] == "Every account needs it here."


@NOBODY
@pytest.mark.parametrize("persona", REQUIRED_BY_ROLE)
def test_with_both_rules_off_as_in_the_demo_nobody_must(request, persona):
    assert not two_factor.is_two_factor_required(request.getfixturevalue(persona))


@EVERYONE
def test_a_deactivated_account_is_asked_nothing(coordinator):
    coordinator.is_active = False
    assert not two_factor.is_two_factor_required(coordinator)


@ROLES_ONLY
def test_a_peer_who_also_holds_the_researcher_role_must(db):
    both = UserFactory(username="both", roles=[Role.PEER, Role.RESEARCHER])
    assert two_factor.is_two_factor_required(both)


# Setting it up.


def test_the_app_being_set_up_is_kept_across_reloads_and_counts_only_once_confirmed(peer):
    device = two_factor.setup_device(user=peer)
    assert two_factor.setup_device(user=peer) == device
    assert not device.confirmed
    assert not has_second_factor(peer)


def test_confirming_the_app_makes_ten_single_use_recovery_codes(peer):
    device = two_factor.setup_device(user=peer)
    codes = two_factor.second_factor_confirm(user=peer, device=device, code=phone_for(device).now())
    device.refresh_from_db()
    assert device.confirmed
    assert len(codes) == len(set(codes)) == 10
    assert sorted(
        StaticToken.objects.filter(device__user=peer).values_list("token", flat=True)
    ) == (sorted(codes))
    assert _events(peer, two_factor.SECOND_FACTOR_ENABLED).get().actor == peer


def test_a_wrong_code_confirms_nothing_and_says_so_on_the_field(peer):
    device = two_factor.setup_device(user=peer)
    wrong = "000000" if phone_for(device).now() != "000000" else "111111"
    with pytest.raises(ValidationError) as refused:
        two_factor.second_factor_confirm(user=peer, device=device, code=wrong)
    assert "code" in refused.value.error_dict
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=peer).exists()


def test_replacing_the_app_keeps_the_old_one_until_the_new_one_is_confirmed(peer):
    old, old_codes = with_app(peer)
    new = two_factor.setup_device(user=peer)
    assert new != old
    assert verify_code(peer, phone_for(old).now()) == old
    two_factor.second_factor_confirm(user=peer, device=new, code=phone_for(new).now())
    assert list(TOTPDevice.objects.filter(user=peer)) == [new]
    # The old recovery codes went with the old app.
    with pytest.raises(ValidationError):
        verify_code(peer, old_codes[0])


def test_someone_elses_app_cannot_be_confirmed(peer, other_peer):
    device = two_factor.setup_device(user=peer)
    with pytest.raises(ValidationError):
        two_factor.second_factor_confirm(
            user=other_peer, device=device, code=phone_for(device).now()
        )


def test_new_recovery_codes_replace_the_old_ones(peer):
    _, old_codes = with_app(peer)
    new_codes = two_factor.recovery_codes_renew(user=peer)
    assert set(new_codes).isdisjoint(old_codes)
    with pytest.raises(ValidationError):
        verify_code(peer, old_codes[0])
    a_while_later(peer)
    assert verify_code(peer, new_codes[0])
    assert _events(peer, two_factor.RECOVERY_CODES_RENEWED).exists()


def test_recovery_codes_need_an_app_first(peer):
    with pytest.raises(ValidationError):
        two_factor.recovery_codes_renew(user=peer)


def test_the_status_counts_the_recovery_codes_left(peer):
    _, codes = with_app(peer)
    verify_code(peer, codes[0])
    status = two_factor.two_factor_status(peer)
    assert (status.has_second_factor, status.recovery_codes_left) == (True, 9)


def test_the_setup_address_names_the_site_and_the_account(peer):
    device = two_factor.setup_device(user=peer)
    assert device.config_url.startswith("otpauth://totp/Peer%20support%3Apeer?")


def test_the_qr_code_is_an_inline_svg_without_style_or_script(peer):
    svg = str(two_factor.qr_code_svg(two_factor.setup_device(user=peer)))
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert "style" not in svg
    assert "script" not in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


# A coordinator's reset.


def test_a_coordinator_resets_a_lost_factor_and_it_is_recorded(coordinator, peer):
    with_app(peer)
    two_factor.second_factor_reset(acting_user=coordinator, user=peer)
    assert not TOTPDevice.objects.filter(user=peer).exists()
    assert not StaticDevice.objects.filter(user=peer).exists()
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.SECOND_FACTOR_RESET)
    assert (event.user, event.actor) == (peer, coordinator)


def test_a_reset_ends_the_persons_sessions(coordinator, peer):
    with_app(peer)
    before = User.objects.get(pk=peer.pk).session_generation
    two_factor.second_factor_reset(acting_user=coordinator, user=peer)
    assert User.objects.get(pk=peer.pk).session_generation == before + 1


@pytest.mark.parametrize("persona", ["peer", "clinician", "researcher"])
def test_only_a_coordinator_may_reset_and_a_refusal_changes_nothing(request, persona, other_peer):
    with_app(other_peer)
    with pytest.raises(ValidationError):
        two_factor.second_factor_reset(
            acting_user=request.getfixturevalue(persona), user=other_peer
        )
    assert has_second_factor(other_peer)
    assert not SignInEvent.objects.filter(kind=SignInEvent.Kind.SECOND_FACTOR_RESET).exists()
