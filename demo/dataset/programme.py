"""What surrounds the encounters: the community partners they happen at,
and the implementation logbook (stages over the three years, entries of
every kind coded with the starting codebook's themes, some in the bin)."""

from __future__ import annotations

from datetime import timedelta

from demo import logbook as demo_logbook
from logbook.choices import Involved, Kind, Source
from logbook.models import Entry, Stage, Theme
from partners.choices import PartnerKind
from partners.models import Partner

from .context import Context, Weighted
from .writer import moment

NEIGHBOURHOODS = (
    "du Plateau",
    "Verdun",
    "Ville-Marie",
    "du Sud-Ouest",
    "Hochelaga",
    "Rosemont",
    "Saint-Michel",
    "Côte-des-Neiges",
    "Pointe-Saint-Charles",
    "Montréal-Nord",
)
STREETS = ("Ontario", "Sainte-Catherine", "Wellington", "Saint-Denis", "Notre-Dame")
PARTNER_KINDS = (
    (PartnerKind.SHELTER, 25),
    (PartnerKind.DROP_IN, 15),
    (PartnerKind.FOOD, 10),
    (PartnerKind.HOUSING, 10),
    (PartnerKind.LEGAL, 6),
    (PartnerKind.HEALTH_CLINIC, 10),
    (PartnerKind.INCOME_SUPPORT, 6),
    (PartnerKind.HARM_REDUCTION, 12),
    (PartnerKind.OTHER, 6),
)
PARTNER_NAMES = {
    PartnerKind.SHELTER: "Refuge",
    PartnerKind.DROP_IN: "Halte-accueil",
    PartnerKind.FOOD: "Cuisine collective",
    PartnerKind.HOUSING: "Comité logement",
    PartnerKind.LEGAL: "Aide juridique",
    PartnerKind.HEALTH_CLINIC: "Clinique",
    PartnerKind.INCOME_SUPPORT: "Bureau d'aide sociale",
    PartnerKind.HARM_REDUCTION: "Point de service réduction des méfaits",
    PartnerKind.OTHER: "Centre communautaire",
}
# (name, first day, last day or None, description), days into the history.
STAGES = (
    ("Preparation and co-design", 0, 179, "Writing the role with the clinic, hiring, training."),
    ("Deployment and integration", 180, 539, "Peers join the teams and the outreach rounds."),
    ("Scaling to the region", 540, 899, "New clinics, new peers, the same role."),
    ("Funding gap and institutionalisation", 900, None, "Bridge funding, then permanent posts."),
)
KINDS = (
    (Kind.OBSERVATION, 30),
    (Kind.BARRIER, 20),
    (Kind.FACILITATOR, 20),
    (Kind.DECISION, 12),
    (Kind.ADAPTATION, 10),
    (Kind.MILESTONE, 8),
)
DELETED = 0.02


def write_partners(ctx: Context) -> None:
    rng = ctx.rng("partners")
    count = min(60, max(8, ctx.sizes.people // 2000))
    table = ctx.writer.table(
        Partner,
        (
            "id",
            "name",
            "kind",
            "address",
            "phone",
            "hours",
            "is_internal",
            "is_active",
            "created_at",
            "updated_at",
        ),
    )
    kind = Weighted(rng, PARTNER_KINDS)
    first = table.take_pks(count)
    created = moment(ctx.calendar.at(0, 10 * 3600))
    for offset in range(count):
        # One shelter at least, for encounters in a shelter.
        chosen = PartnerKind.SHELTER if offset == 0 else kind()
        name = f"{PARTNER_NAMES[chosen]} {NEIGHBOURHOODS[offset % len(NEIGHBOURHOODS)]}"
        if offset >= len(NEIGHBOURHOODS):
            name = f"{name} {offset // len(NEIGHBOURHOODS) + 1}"
        table.add(
            (
                first + offset,
                name,
                chosen,
                f"{rng.randint(100, 9999)} rue {rng.choice(STREETS)}",
                f"514-555-{rng.randrange(10_000):04d}",
                "Mon-Fri 9:00-17:00" if rng.random() < 0.6 else "Every day, 24 h",
                chosen == PartnerKind.HEALTH_CLINIC and rng.random() < 0.5,
                rng.random() < 0.95,
                created,
                created,
            )
        )
        ctx.partners.append((first + offset, chosen))


def write_logbook(ctx: Context) -> None:
    staff = ctx.staff
    if staff is None:
        raise RuntimeError("Staff are planned first.")
    rng = ctx.rng("logbook")
    cal, w = ctx.calendar, ctx.writer
    stages = w.table(Stage, ("id", "name", "starts_on", "ends_on", "description"))
    first = stages.take_pks(len(STAGES))
    for offset, (name, start, end, description) in enumerate(STAGES):
        starts = cal.first_day + timedelta(days=start)
        ends = None if end is None else cal.first_day + timedelta(days=end)
        stages.add((first + offset, name, starts, ends, description))
        if ctx.trail is not None:
            ctx.trail.stage(first + offset, name, starts, ends, description, staff.researchers[0])
    themes = list(
        Theme.objects.filter(parent__isnull=False, merged_into__isnull=True).values_list(
            "pk", "name"
        )
    )
    theme_names = dict(themes)
    entries = w.table(
        Entry,
        (
            "id",
            "occurred_on",
            "author_id",
            "kind",
            "source",
            "title",
            "narrative",
            "involved",
            "what_changed",
            "why_changed",
            "who_decided",
            "created_at",
            "updated_at",
            "deleted_at",
            "deleted_by_id",
        ),
    )
    coded = w.table(Entry.themes.through, ("id", "entry_id", "theme_id"))
    partnered = w.table(Entry.partners.through, ("id", "entry_id", "partner_id"))
    kind = Weighted(rng, KINDS)
    sources = Source.values
    planned = []
    for _ in range(ctx.sizes.logbook):
        day = rng.randrange(0, cal.days)
        planned.append((day, rng.randrange(8 * 3600, 18 * 3600)))
    planned.sort()
    first = entries.take_pks(len(planned))
    contributors = [*staff.peers[:20], *staff.clinicians[:10]]
    for offset, (day, seconds) in enumerate(planned):
        pk = first + offset
        chosen = kind()
        source = rng.choice(sources)
        _k, _s, base, narrative, _themes, adaptation = rng.choice(demo_logbook.ENTRIES)
        if rng.random() < 0.7:
            source, title_form, narrative_form = rng.choice(demo_logbook.VARIANTS)
            title = title_form.format(topic=base)
            narrative = narrative_form.format(topic_lower=base[0].lower() + base[1:])
        else:
            title = base
        what = why = who = ""
        if chosen == Kind.ADAPTATION:
            what, why, who = adaptation or (
                "The round's hours",
                "Too few people came at the old time.",
                "The team, with the clinic manager",
            )
        author = (
            staff.researchers[0]
            if rng.random() < 0.6 or not contributors
            else rng.choice(contributors)
        )
        written = cal.before_end(cal.at(min(cal.days - 1, day + rng.randint(0, 10)), seconds))
        deleted = rng.random() < DELETED
        entries.add(
            (
                pk,
                cal.dates[day],
                author,
                chosen,
                source,
                title[:200],
                narrative,
                rng.sample(Involved.values, rng.randint(1, 3)),
                what,
                why,
                who,
                moment(written),
                moment(written),
                moment(cal.before_end(written + 86_400)) if deleted else None,
                staff.researchers[0] if deleted else None,
            )
        )
        chosen_themes = (
            sorted({rng.choice(themes)[0] for _ in range(rng.randint(1, 3))}) if themes else []
        )
        for theme in chosen_themes:
            coded.add((coded.take_pks(1), pk, theme))
        if ctx.partners and rng.random() < 0.2:
            partnered.add((partnered.take_pks(1), pk, rng.choice(ctx.partners)[0]))
        if ctx.trail is not None:
            ctx.trail.logbook_entry(
                pk,
                title[:200],
                author,
                written,
                [theme_names[t] for t in chosen_themes],
                {"occurred_on": cal.dates[day], "kind": chosen, "source": source},
            )
    ctx.counts["logbook"] = entries.count
