"""Demo logbook (invented): three stages over 18 months and about 80 entries
in the research team's voice, coded with the starting codebook. Idempotent."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from logbook import services
from logbook.choices import Involved, Source
from logbook.models import Entry, Stage, Theme
from peersupport.models import User

STAGES = [
    (
        "Preparation and co-design",
        540,
        365,
        "Writing the role with the clinic, hiring, first training.",
    ),
    ("Deployment and integration", 364, 150, "The peer joins the team and the outreach rounds."),
    (
        "Funding gap and institutionalisation",
        149,
        None,
        "Bridge funding, then a permanent post negotiated with the hospital.",
    ),
]

# (kind, source, title, narrative, themes by English name, adaptation fields or None)
ENTRIES = [
    (
        "milestone",
        "logbook",
        "Role description co-written",
        "The clinic manager, two nurses and the peer finished the role description in a workshop.",
        ["A clear role with known limits"],
        None,
    ),
    (
        "barrier",
        "team_meeting",
        "No fitting job title",
        "Human resources has no category for the post; the peer is hired on a casual contract.",
        ["No job title that fits", "Unsupportive setting, red tape and gatekeeping"],
        None,
    ),
    (
        "facilitator",
        "debriefing",
        "Reference nurse named",
        "A nurse volunteered to be the peer's reference person; weekly check-ins agreed.",
        ["Backing from supervisors and reference colleagues"],
        None,
    ),
    (
        "barrier",
        "focus_group",
        "Clinicians unsure what the peer may read",
        "Several clinicians worried about the peer seeing medical files; "
        "the team agreed notes stay apart.",
        ["Worries about confidentiality and access to records"],
        None,
    ),
    (
        "decision",
        "team_meeting",
        "Peer notes kept apart from the chart",
        "Decision to keep peer notes in a separate system, shared only by choice.",
        ["Worries about confidentiality and access to records", "A clear role with known limits"],
        None,
    ),
    (
        "adaptation",
        "team_meeting",
        "Outreach rounds moved to evenings",
        "Community rounds were moved from mornings to evenings after two weeks of empty drop-ins.",
        ["Coping strategies suited to the peer"],
        (
            "Outreach moved from 9-12 to 17-20",
            "Drop-ins are empty in the morning",
            "Peer and clinic manager",
        ),
    ),
    (
        "facilitator",
        "interview",
        "Badge and desk arrived",
        "The peer now has a staff badge, a desk and a computer account, like other staff.",
        ["Institutional support: office, badge, computer, staff services"],
        None,
    ),
    (
        "barrier",
        "debriefing",
        "Cold reception at the nursing station",
        "The peer reported being ignored at the nursing station and asked who let them in.",
        ["Hostility or stigma from other staff"],
        None,
    ),
    (
        "observation",
        "logbook",
        "Peer invited to case conference",
        "For the first time the peer was invited to the weekly case conference.",
        ["Backing from supervisors and reference colleagues", "Working in silos"],
        None,
    ),
    (
        "facilitator",
        "team_meeting",
        "Crisis brings the team together",
        "During the outbreak the clinic relied on the peer to reach people in shelters.",
        ["A crisis that opens a window"],
        None,
    ),
    (
        "barrier",
        "team_meeting",
        "Funding ends in March",
        "The foundation grant ends in March; no renewal confirmed.",
        ["Uncertain funding"],
        None,
    ),
    (
        "milestone",
        "logbook",
        "Permanent post approved",
        "The hospital board approved a permanent peer support post.",
        ["Institutional support: office, badge, computer, staff services"],
        None,
    ),
    (
        "barrier",
        "debriefing",
        "Former nurse now a colleague",
        "The peer now works beside a nurse who cared for them years ago; both found it awkward.",
        ["Dual relationships: a former carer now a colleague"],
        None,
    ),
    (
        "facilitator",
        "focus_group",
        "Training on boundaries",
        "The two-day training on boundaries and self-disclosure was rated useful by everyone.",
        ["Training and room to grow", "A clear role with known limits"],
        None,
    ),
    (
        "barrier",
        "debriefing",
        "Unsafe outreach site",
        "The peer felt unsafe at one encampment; rounds there now go in pairs.",
        ["Safety and exposure risks for the peer"],
        None,
    ),
    (
        "observation",
        "interview",
        "Research team as a sounding board",
        "The peer said the fortnightly debriefings were where they could think out loud.",
        ["The research team as outside support"],
        None,
    ),
]
VARIANTS = [
    (
        "debriefing",
        "Debriefing: {topic}",
        "In the fortnightly debriefing the peer came back to {topic_lower}; "
        "it still weighs on the work.",
    ),
    (
        "team_meeting",
        "Team meeting: {topic}",
        "The research team discussed {topic_lower} and agreed to follow it at the next meeting.",
    ),
    (
        "interview",
        "Interview: {topic}",
        "A clinician interviewed at this stage raised {topic_lower} without being prompted.",
    ),
    ("other", "Note: {topic}", "Informal exchange with the clinic manager about {topic_lower}."),
]


@transaction.atomic
def seed_logbook() -> int:
    if Entry.objects.exists():
        return 0
    rng = random.Random(18)  # noqa: S311 (invented demo data, same every time)
    today = timezone.localdate()
    researcher = User.objects.get(username="researcher")
    authors = [
        researcher,
        User.objects.get(username="peer"),
        User.objects.get(username="clinician"),
    ]
    for name, start, end, description in STAGES:
        if not Stage.objects.filter(name=name).exists():
            services.stage_save(
                acting_user=researcher,
                stage=Stage(
                    name=name,
                    starts_on=today - timedelta(days=start),
                    ends_on=today - timedelta(days=end) if end is not None else None,
                    description=description,
                ),
            )
    themes = {t.name: t for t in Theme.objects.all()}
    rows = []
    for index, (kind, source, title, narrative, theme_names, adaptation) in enumerate(ENTRIES):
        rows.append((kind, source, title, narrative, theme_names, adaptation, 530 - index * 33))
    while len(rows) < 80:
        kind, source, base, narrative, theme_names, _, _ = rng.choice(rows[: len(ENTRIES)])
        source, title_form, narrative_form = rng.choice(VARIANTS)
        topic = base[0].lower() + base[1:]
        rows.append(
            (
                kind if kind != "adaptation" else "observation",
                source,
                title_form.format(topic=base),
                narrative_form.format(topic_lower=topic),
                theme_names,
                None,
                rng.randint(0, 540),
            )
        )
    for kind, source, title, narrative, theme_names, adaptation, days_ago in rows:
        data = {
            "occurred_on": today - timedelta(days=days_ago),
            "kind": kind,
            "source": source,
            "title": title,
            "narrative": narrative,
            "involved": rng.sample(Involved.values, rng.randint(1, 3)),
        }
        if adaptation:
            data.update(
                zip(("what_changed", "why_changed", "who_decided"), adaptation, strict=True)
            )
        author = (
            authors[0] if source in (Source.TEAM_MEETING, Source.INTERVIEW) else rng.choice(authors)
        )
        entry = services.entry_save(acting_user=author, data=data)
        services.entry_save(
            acting_user=researcher,
            entry=entry,
            data={},
            themes=[themes[n] for n in theme_names if n in themes],
        )
    return len(rows)
