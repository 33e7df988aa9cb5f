"""Invented words for the dataset: names, and notes put together from
fragments (English and French), so that a million rows read like a
programme's records without any two people's stories being copied."""

from __future__ import annotations

import random

from demo import interventions as demo_interventions

FIRST_NAMES = (  # noqa: SIM905 (a list of names reads better as text)
    "Alain Amélie Ahmed Anik Antoine Ariane Aziz Benoît Blanche Bruno Carole Cédric Chantal "
    "Christian Claude Daniel Denise Diane Dominique Éric Émilie Étienne Fatima Félix France "
    "Francine Gaétan Geneviève Gilles Guy Hélène Hugo Isabelle Jacques Jason Jean-François "
    "Jessica Jocelyn Johanne Josée Julie Karim Kateri Kevin Lise Louis Luc Lucie Lyne Manon "
    "Marc Marie-Ève Mario Martin Mathieu Maxime Michel Mélanie Nadia Nathalie Nicolas "
    "Noémie Normand Olivier Pascal Patrice Pierre Rachid Raymond Réal Réjean Richard Robert "
    "Roger Rosalie Samir Sandra Serge Simon Solange Sophie Stéphane Sylvain Sylvie Thérèse "
    "Tommy Valérie Vincent Yves Yvon Zoé Mike Dave Steve Cindy Tina Billy Jimmy Ronnie "
    "Shawn Kim"
).split()
LAST_NAMES = (  # noqa: SIM905 (a list of names reads better as text)
    "Tremblay Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier "
    "Bélanger Lévesque Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu "
    "Cloutier Dubé Poirier Fournier Lapointe Leclerc Lefebvre Poulin Thibault St-Pierre "
    "Nadeau Martin Landry Martel Bédard Grenier Lessard Bernier Richard Michaud Hébert "
    "Desjardins Couture Turcotte Lachance Parent Blais Gosselin Savard Proulx Beaudoin "
    "Demers Perreault Boudreau Lemieux Cyr Perron Dufour Dion Mercier Bolduc Bérubé Nguyen "
    "Diallo Joseph Smith O'Neil"
).split()
NICKNAMES = (
    "Big Mike",
    "Ti-Jean",
    "La Grande",
    "Shorty",
    "Doc",
    "Red",
    "Frenchie",
    "Blondie",
    "Coach",
    "Professor",
    "Sunny",
    "Ti-Loup",
    "Boots",
    "Kid",
    "Grand-père",
    "Mama",
    "Tiger",
    "Bear",
    "Smiley",
    "Lucky",
)
PRONOUNS = ("she/her", "he/him", "they/them", "elle", "il", "iel")
LANGUAGES = ("fr", "en", "fr, en", "en, fr", "fr, ar", "en, cr", "es, fr", "fr, ht")
WHERE_TO_FIND = (
    "Mornings at the drop-in on Ontario street.",
    "Sleeps near the metro entrance, east side.",
    "Le soir au refuge, souvent vers 18 h.",
    "Under the bridge by the canal, tent with a blue tarp.",
    "Au parc, sur les bancs près de la fontaine.",
    "Calls from the library phone on Tuesdays.",
    "Meal line at the church, weekdays at noon.",
    "Chez sa sœur certaines fins de semaine.",
)
REFERRAL_DETAILS = (
    "Sent by the shelter's night worker.",
    "Référé par l'infirmière de la clinique.",
    "Met during the evening outreach round.",
    "Recommended by a friend who sees a peer.",
    "Référence du travailleur de rue du secteur.",
)
CLOSING_NOTES = (
    "Housed and doing well; knows the door stays open.",
    "Moved to another region to be near family.",
    "A décidé de ne plus être suivi pour l'instant.",
    "No news for months despite several tries.",
    "Transféré à l'équipe de suivi intensif.",
)
JOIN_REASONS = (
    "Met during the outreach round; asked for a follow-up.",
    "Rencontré à la clinique, souhaite un suivi avec moi.",
    "Covering while the team's peer is away.",
    "Asked by the person to join the team.",
)
CONSENT_COMMENTS = (
    "Explained with the plain-language sheet.",
    "Expliqué avec la feuille en langage clair.",
    "Wants to think about it; will ask again.",
    "Asked to see the form again next month.",
)
# The demo's descriptions of people met without a name, and one in French.
ANONYMOUS = (
    *demo_interventions.ANONYMOUS,
    "Personnes près de la camionnette de réduction des méfaits",
)
SITUATION_DETAILS = (
    "Refuge du Plateau",
    "Tent by the canal",
    "Chez un ami, temporairement",
    "Room in a rooming house",
    "Détox, 21 jours",
)

_EN = {
    "open": (
        "Met {name} at the shelter.",
        "Ran into {name} on the outreach round.",
        "Phone call with {name}.",
        "{name} came by the drop-in.",
        "Walked with {name} to the clinic.",
        "Saw {name} by the metro.",
        "{name} called back this morning.",
        "Visited {name} at home.",
    ),
    "topic": (
        "We talked about the housing application and what is still missing.",
        "Talked about the court date and what to expect there.",
        "Spoke about {pronoun} sister and the fight last week.",
        "We went over the income forms together.",
        "Mostly listened: a hard week, little sleep.",
        "Talked about using less and what helped before.",
        "Went through the list of rooms for rent.",
        "Shared how I got my own ID back years ago; it seemed to help.",
        "Long talk about the loneliness since the move.",
        "Talked about the doctor's appointment and the fear of needles.",
        "Gave harm-reduction supplies and a naloxone kit.",
        "We looked at the budget for the month.",
    ),
    "state": (
        "Seemed calmer than last time.",
        "Tired but open.",
        "Worried about money.",
        "Proud of the steps taken.",
        "Quiet, said little.",
        "Laughed a lot today.",
        "Frustrated with the waiting lists.",
    ),
    "plan": (
        "Will call the housing worker on Monday.",
        "I go with {pronoun} to the appointment next week.",
        "Follow up on the ID request in two weeks.",
        "Meet again at the drop-in on Thursday.",
        "Bring the forms next time.",
        "Check in by phone in a few days.",
        "No plan for now; the door stays open.",
    ),
}
_FR = {
    "open": (
        "Rencontré {name} au refuge.",
        "Croisé {name} pendant la tournée de rue.",
        "Appel avec {name}.",
        "{name} est passé à la halte-accueil.",
        "Accompagné {name} à la clinique.",
        "Vu {name} près du métro.",
        "{name} a rappelé ce matin.",
        "Visite à domicile chez {name}.",
    ),
    "topic": (
        "Nous avons parlé de la demande de logement et de ce qui manque encore.",
        "Parlé de la date de cour et de ce qui l'attend.",
        "Il a été question de sa sœur et de la chicane de la semaine passée.",
        "Nous avons rempli les formulaires d'aide sociale ensemble.",
        "Surtout de l'écoute : une semaine difficile, peu de sommeil.",
        "Parlé de consommer moins et de ce qui l'a aidé avant.",
        "Regardé ensemble la liste des chambres à louer.",
        "J'ai raconté comment j'ai récupéré mes papiers; ça semblait aider.",
        "Longue discussion sur la solitude depuis le déménagement.",
        "Remis du matériel de réduction des méfaits et une trousse de naloxone.",
    ),
    "state": (
        "Plus calme que la dernière fois.",
        "Fatigué mais ouvert.",
        "Inquiet pour l'argent.",
        "Fier des démarches faites.",
        "Silencieux, a peu parlé.",
        "Beaucoup ri aujourd'hui.",
    ),
    "plan": (
        "J'appelle l'intervenante logement lundi.",
        "Je l'accompagne au rendez-vous la semaine prochaine.",
        "Relancer la demande de carte dans deux semaines.",
        "On se revoit à la halte jeudi.",
        "Apporter les formulaires la prochaine fois.",
        "Prendre des nouvelles par téléphone dans quelques jours.",
    ),
}
_ANSWERS = {
    "en": (
        "Thanks, I will see {name} on Thursday and ask about it.",
        "Good to know. The appointment is confirmed for next week.",
        "I spoke with the housing worker: the file is complete.",
        "Noted. Let me know if the sleep does not improve.",
        "Thanks for the update, I will bring it up at the team meeting.",
    ),
    "fr": (
        "Merci, je vois {name} jeudi et je lui en parle.",
        "Bon à savoir. Le rendez-vous est confirmé pour la semaine prochaine.",
        "J'ai parlé à l'intervenante logement : le dossier est complet.",
        "Noté. Tiens-moi au courant si le sommeil ne s'améliore pas.",
        "Merci pour le suivi, j'en parle à la réunion d'équipe.",
    ),
}
_ADDENDA = {
    "en": (
        "Correction: the appointment is on Wednesday, not Tuesday.",
        "Forgot to add: {name} asked for a bus ticket.",
        "Update: the worker called back, the file moves ahead.",
    ),
    "fr": (
        "Correction : le rendez-vous est mercredi, pas mardi.",
        "Oublié d'ajouter : {name} a demandé un billet d'autobus.",
        "Mise à jour : l'intervenante a rappelé, le dossier avance.",
    ),
}
_NEXT_STEPS = {
    "en": (
        "Call the housing worker.",
        "Go with them to the clinic on Tuesday.",
        "Bring the income forms.",
        "Ask the shelter about a bed.",
        "Check on the ID request.",
    ),
    "fr": (
        "Appeler l'intervenante logement.",
        "L'accompagner à la clinique mardi.",
        "Apporter les formulaires de revenu.",
        "Demander un lit au refuge.",
        "Relancer la demande de carte.",
    ),
}
_PRONOUNS = {"en": ("him", "her", "them"), "fr": ("lui", "elle")}


def person_name(rng: random.Random) -> tuple[str, str, str, str]:
    """(name used, aliases, legal first name, legal last name)."""
    first = rng.choice(FIRST_NAMES)
    roll = rng.random()
    if roll < 0.06:
        display = rng.choice(NICKNAMES)
    elif roll < 0.5:
        display = f"{first} {rng.choice(LAST_NAMES)[0]}."
    else:
        display = first
    aliases = rng.choice(NICKNAMES) if rng.random() < 0.15 else ""
    if rng.random() < 0.4:
        return display, aliases, first, rng.choice(LAST_NAMES)
    return display, aliases, "", ""


def note(rng: random.Random, language: str, name: str) -> str:
    words = _FR if language == "fr" else _EN
    pronoun = rng.choice(_PRONOUNS[language])
    parts = [rng.choice(words["open"]), rng.choice(words["topic"])]
    if rng.random() < 0.6:
        parts.append(rng.choice(words["state"]))
    if rng.random() < 0.4:
        parts.append(rng.choice(words["topic"]))
    parts.append(rng.choice(words["plan"]))
    return " ".join(parts).format(name=name.split(" ")[0], pronoun=pronoun)


def answer(rng: random.Random, language: str, name: str) -> str:
    return rng.choice(_ANSWERS[language]).format(name=name.split(" ")[0])


def addendum(rng: random.Random, language: str, name: str) -> str:
    return rng.choice(_ADDENDA[language]).format(name=name.split(" ")[0])


def next_steps(rng: random.Random, language: str) -> str:
    return rng.choice(_NEXT_STEPS[language])
