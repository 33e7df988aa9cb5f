"""Demo encounters and notes (invented), as a programme in use: each person
has a story of visits over months, in English or in French; notes are dated
with their encounter, answers and addenda a little later; a shared note and
its answers make a conversation (some of two or three answers), and a few
notes let a teammate know; older shared notes have been read, recent ones
not; clinicians asked for peers; one reviewed use of the safety exception.
Idempotent: nothing is added once demo encounters exist. Deterministic: the
same demo every time, dated from today.

Services stamp "now" on what they create; each row is then dated to when the
demo says it happened (``demo.accounts.restamp``)."""

import random
from datetime import timedelta
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from clients.choices import Decision, Purpose
from clients.models import CareTeamMembership, Client, Consent
from demo import clients as clients_demo
from demo.accounts import moment, not_after_now, restamp
from interventions import services
from interventions.access import note_policy
from interventions.choices import Audience, NoteStatus, NotificationKind, ReviewStatus, Setting
from interventions.models import Activity, EmergencyAccess, Encounter, Note, NoteRead, Notification
from partners.models import Partner
from peersupport.models import User
from peersupport.roles import Role

S = Setting
SHELTER, DROP_IN, LEGAL_AID, HARM_REDUCTION, HOUSING_COMMITTEE = (
    "Refuge du Plateau",
    "Halte-accueil Verdun",
    "Aide juridique Ville-Marie",
    "Point de service réduction des méfaits",
    "Comité logement du Sud-Ouest",
)

# Short keys for the starting activity list (interventions migration 0002).
ACTIVITIES = {
    "listen": "Listening and emotional support",
    "share": "Sharing lived experience",
    "housing": "Housing search",
    "medical": "Accompaniment to a medical appointment",
    "court": "Accompaniment to court",
    "link": "Linking to a resource",
    "id": "Help with paperwork: ID",
    "income": "Help with paperwork: income",
    "health": "Help with paperwork: health coverage",
    "hr": "Harm-reduction supplies",
    "crisis": "Crisis support",
    "group": "Support group",
}


class Visit(NamedTuple):
    """One encounter of a person's story, and the note written about it."""

    days: int  # days ago
    text: str = ""  # the note; none when empty
    shared: bool = False  # with the whole care team, else the author's side only
    by: str = "the team's peer"  # or the username of whoever logged it
    setting: str = S.STREET
    acts: tuple = ("listen",)
    minutes: int = 30
    partner: str = ""
    along: bool = False  # the other side of the team took part
    reply: str = ""  # a care-team answer from the other side, some hours later
    reply_by: str = ""
    # Further answers in the conversation: (who, words, hours after the last one).
    more: tuple = ()
    mention: str = ""  # a teammate the author lets know (told when it is signed)
    addendum: str = ""  # the author's correction, some hours later
    draft: bool = False
    next_steps: str = ""


V = Visit
TEAM_PEER, TEAM_CLINICIAN = "the team's peer", "the team's clinician"

STORIES = {
    "Hélène": [
        V(
            238,
            "First proper talk at the shelter. She wants a place of her own before winter "
            "and asked how I found mine.",
            setting=S.SHELTER,
            partner=SHELTER,
            acts=("listen", "share"),
            minutes=45,
        ),
        V(
            210,
            "Went through the housing list at the drop-in. She crossed off everything far "
            "from her sister in Verdun.",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("housing",),
            minutes=60,
        ),
        V(
            180,
            "Went with Hélène to her blood pressure appointment. She asked me to tell the "
            "team she prefers mornings: afternoons, she risks losing her bed at the shelter.",
            shared=True,
            setting=S.CLINIC,
            acts=("medical",),
            minutes=90,
            along=True,
            reply="Thanks for passing this on. Her follow-up is now on a Tuesday morning; "
            "the nurse will call the shelter to confirm.",
        ),
        V(
            150,
            "Filled in the social housing application together. She needs a proof of income "
            "from welfare; we go to the office together next week.",
            setting=S.PARTNER,
            partner=HOUSING_COMMITTEE,
            acts=("housing", "income"),
            minutes=60,
            next_steps="Welfare office with her on Wednesday for the proof of income.",
        ),
        V(
            120,
            "Short call. The apartment near her sister fell through; she is discouraged but "
            "still looking.",
            setting=S.PHONE,
            minutes=15,
        ),
        V(
            95,
            "The housing interview went well. The landlord wants a letter from the clinic "
            "saying she is followed there. Can someone on the team write it?",
            shared=True,
            setting=S.PARTNER,
            partner=HOUSING_COMMITTEE,
            acts=("housing",),
            minutes=60,
            reply="Letter written and left at reception; Hélène can pick it up any day.",
        ),
        V(
            60,
            "She is doing better and says the clinic's letter made her feel taken seriously.",
            setting=S.SHELTER,
            partner=SHELTER,
        ),
        V(
            30,
            "A friend offers to share a two-bedroom in Verdun with her. Visit on Friday; "
            "I will go with her.",
            shared=True,
            setting=S.SHELTER,
            partner=SHELTER,
            acts=("housing", "listen"),
            addendum="Correction: the visit is Saturday morning, not Friday.",
        ),
        V(
            8,
            "Visit done. She likes the place and the lease would start next month. She asks "
            "whether the clinic knows of a fund for the first month's rent.",
            shared=True,
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("housing", "link"),
            minutes=60,
            mention=TEAM_CLINICIAN,
            reply="The clinic has a small fund for a first month's rent. I left the form "
            "at the drop-in's front desk.",
            more=(
                (TEAM_PEER, "Thanks! We fill it in together on Thursday.", 20),
                (TEAM_CLINICIAN, "Good. Bring a copy of the lease; the fund asks for it.", 4),
            ),
        ),
        V(
            3,
            "Called about the rent fund: still waiting for their answer. She wants to",
            setting=S.PHONE,
            minutes=10,
            draft=True,
        ),
    ],
    "Jean-François": [
        V(
            148,
            "Rencontré sous le viaduc avec la tournée du soir. Méfiant au début, il a pris "
            "du matériel et mon numéro.",
            acts=("hr", "listen"),
            minutes=20,
        ),
        V(
            120,
            "Il reconnaît maintenant la tournée. Sa carte d'assurance maladie est expirée "
            "depuis deux ans et il veut la renouveler.",
            acts=("hr", "health"),
        ),
        V(
            100,
            "Demande de carte d'assurance maladie commencée avec lui. Il lui manque un "
            "certificat de naissance : on a rempli la demande ensemble.",
            shared=True,
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("health", "id"),
            minutes=75,
            reply="Merci. En attendant la carte, la clinique peut le voir sans frais : "
            "qu'il passe le mardi matin, je le prendrai.",
        ),
        V(
            70,
            "Accompagné au palais de justice pour des contraventions impayées. L'audience est "
            "reportée; il était soulagé de ne pas y aller seul.",
            shared=True,
            setting=S.COURT,
            acts=("court",),
            minutes=180,
            addendum="Précision : la nouvelle date d'audience est le 14 du mois prochain, "
            "à 9 h 30.",
        ),
        V(
            40,
            "Soirée difficile : il a perdu ses affaires lors du démantèlement du campement. "
            "On a marché longtemps, puis il a accepté un lit au refuge.",
            acts=("crisis", "listen"),
            minutes=90,
        ),
        V(
            12,
            "Sa nouvelle carte est arrivée! Premier rendez-vous à la clinique depuis des "
            "années; il aimerait revoir la même infirmière.",
            shared=True,
            setting=S.CLINIC,
            acts=("medical",),
            minutes=60,
            along=True,
            reply="C'est noté : je lui donne ses prochains rendez-vous avec la même infirmière.",
            more=(
                (TEAM_PEER, "Merci, il sera content. Je lui en parle demain à la halte.", 18),
                (TEAM_CLINICIAN, "Parfait : il a son premier rendez-vous mardi à 9 h.", 2),
            ),
        ),
        V(
            11,
            "Plaie au pied gauche nettoyée et pansée; il revient dans une semaine pour le "
            "suivi. Il a accepté un dépistage.",
            by="clinician",
            setting=S.CLINIC,
            acts=("link",),
            minutes=40,
        ),
    ],
    "Noémie": [
        V(
            34,
            "Met Noémie at the canal encampment with the outreach team. They took a naloxone "
            "kit and asked how to reach the drop-in.",
            acts=("hr",),
            minutes=20,
        ),
        V(
            22,
            "Evening round. Noémie was fine and asked for Alex; I told them when he is back.",
            by="peer2",
            minutes=15,
        ),
        V(
            20,
            "The city posted an eviction notice on the tents. We went over what to keep and "
            "where the nearest shelter beds are.",
            acts=("listen", "link"),
            minutes=45,
        ),
        V(
            9,
            "Walked together to the harm-reduction site; they want to learn how the "
            "drug-checking service works.",
            setting=S.PARTNER,
            partner=HARM_REDUCTION,
            acts=("hr", "link"),
            minutes=60,
        ),
    ],
    "Mathéo": [
        V(
            400,
            "Met Mathéo in the clinic waiting room; he sleeps on a cousin's couch. He plays "
            "guitar and asked if the group ever has music.",
            setting=S.CLINIC,
            acts=("listen",),
        ),
        V(
            330,
            "Came to the Tuesday group for the first time. Left at the break but said he "
            "would come back.",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("group",),
            minutes=90,
        ),
        V(
            260,
            "Stayed until the end of group today and helped put the chairs away.",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("group",),
            minutes=90,
        ),
        V(
            200,
            "He lost his job at the warehouse. We started the income support application; "
            "he needs a record of employment from his employer.",
            shared=True,
            setting=S.PHONE,
            acts=("income", "listen"),
            minutes=40,
            reply="Noted. I will ask how he is sleeping at his next visit; losing the job "
            "hit him hard.",
        ),
        V(
            150,
            "Low mood since the job loss, no thoughts of harming himself. We agreed on a "
            "weekly follow-up for a month.",
            by="clinician",
            setting=S.CLINIC,
            acts=("listen",),
            minutes=45,
        ),
        V(
            140,
            "Told him a little about my first year after losing work. He said it helped to "
            "hear it from someone who had been there.",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("share", "group"),
            minutes=90,
        ),
        V(
            70,
            "He has a job offer at a bakery. Still at his cousin's, looking for a room near work.",
            setting=S.PHONE,
            acts=("housing",),
            minutes=20,
        ),
        V(
            25,
            "Found a room ten minutes from the bakery and signed the lease. He wants to keep "
            "coming to group on Tuesdays.",
            shared=True,
            setting=S.HOME,
            acts=("housing",),
            minutes=45,
        ),
    ],
    "Anaïs": [
        V(
            128,
            "First meeting at the transitional house. Two months sober; she wants to stay "
            "close to her meetings.",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("listen", "share"),
            minutes=60,
        ),
        V(
            100,
            "Went with Anaïs to the dentist; it went better than she feared. She is fine "
            "with the team calling her on her cell.",
            shared=True,
            setting=S.CLINIC,
            acts=("medical",),
            minutes=120,
        ),
        V(
            70,
            "Her worker at the house is leaving and she worries about who will follow her file.",
            shared=True,
            setting=S.PHONE,
            acts=("listen",),
            minutes=20,
            reply="Thanks for telling me. I will call the house to find out who takes over.",
        ),
        V(
            40,
            "We talked about relapse and shame. She knows she can call me on weekends.",
            setting=S.HOME,
            acts=("share", "listen"),
            minutes=60,
        ),
        V(
            10,
            "She asked that her notes no longer be shared with the clinic for now. Her "
            "decision is recorded; notes stay between peers from here on.",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("listen",),
        ),
    ],
    "Big Mike": [
        V(
            68,
            "Mike knows everyone on the corner by the metro. Took supplies for himself and "
            "two friends; we talked about not using alone.",
            acts=("hr", "listen"),
            minutes=20,
        ),
        V(
            45,
            "He told me about his years on the boats. He would like to see his brother in "
            "Gaspé again one day.",
            setting=S.SHELTER,
            partner=SHELTER,
            acts=("listen",),
            minutes=45,
        ),
        V(
            21,
            "Found Mike very drowsy at the shelter after a long weekend. I stayed with him "
            "until the paramedics came; he went to the hospital.",
            shared=True,
            setting=S.SHELTER,
            partner=SHELTER,
            acts=("crisis",),
            minutes=90,
        ),
        V(
            15,
            "Visited him on the ward. He is eating again and asked for his glasses from the "
            "shelter locker, so I brought them.",
            shared=True,
            setting=S.HOSPITAL,
            acts=("listen",),
            minutes=40,
            reply="Thank you. The ward's social worker wants to plan his discharge with us; "
            "I am setting up a meeting.",
        ),
        V(
            6,
            "Discharge meeting today: a room in a rooming house is found. He asks that I "
            "come with him on moving day.",
            shared=True,
            setting=S.HOSPITAL,
            acts=("housing", "link"),
            minutes=60,
            along=True,
            reply="Moving day is Thursday. I will see him at the rooming house on Friday for "
            "his dressing.",
            more=((TEAM_PEER, "I will be there Thursday morning with the van.", 5),),
        ),
        V(
            3,
            "Saw Mike at the rooming house for his dressing. He is settling in but has no "
            "furniture yet; could someone ask the drop-in about a bed frame?",
            shared=True,
            by="clinician",
            setting=S.HOME,
            acts=("link",),
            minutes=30,
        ),
    ],
    "Mike B.": [
        V(
            88,
            "Met at the drop-in; says people call him Mike B. Took a coffee and a "
            "harm-reduction kit.",
            by="peer2",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("hr",),
            minutes=15,
        ),
        V(
            55,
            "Saw Mike B. at the drop-in again. He mentioned another worker who comes by the "
            "shelter: maybe he is already known to the team?",
            by="peer2",
            setting=S.PARTNER,
            partner=DROP_IN,
            minutes=20,
        ),
    ],
    "Chloé": [
        V(
            15,
            "Met Chloé in the parking lot behind the grocery store. She sleeps in her car with "
            "her dog and wants a shelter that takes dogs.",
            acts=("listen",),
            minutes=30,
        ),
        V(
            7,
            "Called the two shelters that accept animals: one has a waiting list, the other "
            "may have room next week.",
            setting=S.PHONE,
            acts=("link", "housing"),
            minutes=20,
        ),
        V(
            2,
            "Brought dog food and checked in. The second shelter",
            acts=("listen",),
            minutes=15,
            draft=True,
        ),
    ],
    "Étienne": [
        V(
            298,
            "Visited Étienne in their new studio in supportive housing. Proud of the plants "
            "on the windowsill.",
            setting=S.HOME,
            minutes=45,
        ),
        V(
            240,
            "Came to group and spoke about their first winter indoors in years.",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("group",),
            minutes=90,
        ),
        V(
            180,
            "Helped with the yearly income declaration for the rent subsidy; it is due at "
            "the end of the month.",
            shared=True,
            setting=S.HOME,
            acts=("income",),
            minutes=60,
            reply="Thanks, I will remind them at our next appointment.",
        ),
        V(
            120,
            "Went with Étienne to the psychiatry follow-up. They want the team to know the "
            "new medication schedule suits them better.",
            shared=True,
            setting=S.HOSPITAL,
            acts=("medical",),
            minutes=150,
        ),
        V(
            60,
            "They call less often now, which they say is a good sign.",
            setting=S.PHONE,
            minutes=15,
        ),
        V(
            20,
            "Étienne would like to volunteer at the drop-in and asks whether someone on the "
            "team could be a reference.",
            shared=True,
            setting=S.HOME,
            acts=("listen", "link"),
            minutes=40,
        ),
    ],
    "Kateri": [
        V(
            44,
            "Met Kateri at the detox centre. Quiet, but asked for the group schedule and "
            "about an Indigenous-led housing program.",
            setting=S.PARTNER,
            acts=("listen",),
            minutes=40,
        ),
        V(
            30,
            "Kateri would like a referral to the Indigenous-led housing program for when she "
            "leaves detox, and agreed that I tell the team.",
            shared=True,
            setting=S.HOSPITAL,
            acts=("link", "housing"),
            minutes=45,
            reply="I can make the referral from the clinic and will see her on Thursday.",
        ),
        V(
            27,
            "Treatment started; she tolerates it well. Next visit in a week.",
            by="clinician2",
            setting=S.CLINIC,
            acts=("link",),
            minutes=30,
        ),
        V(
            14,
            "First sharing circle at the centre. She smiled a lot at the end.",
            setting=S.PARTNER,
            acts=("group",),
            minutes=90,
        ),
        V(
            4,
            "She leaves detox next Monday and asks whether someone can help carry her things "
            "to the housing program.",
            shared=True,
            setting=S.PARTNER,
            acts=("housing", "listen"),
            minutes=30,
            mention=TEAM_CLINICIAN,
            reply="I asked the housing program: they can take her at ten on Monday.",
            more=((TEAM_PEER, "Then I pick her up at detox at half past nine.", 3),),
        ),
        V(
            3,
            "Referral accepted: the housing program has a room for Kateri from Monday. She "
            "would like Alex to be there on the day.",
            shared=True,
            by="clinician",
            setting=S.PHONE,
            acts=("link", "housing"),
            minutes=20,
        ),
    ],
    "Réjean": [
        V(
            515,
            "Réjean connaît le quartier depuis trente ans. On a parlé de hockey et de ses "
            "années sur les chantiers.",
            minutes=45,
        ),
        V(
            450,
            "Accompagné au tribunal pour son procès. Il m'a demandé d'être là pour garder "
            "son calme.",
            setting=S.COURT,
            acts=("court",),
            minutes=240,
        ),
        V(
            400,
            "Demande de carte d'identité commencée; il faut une photo et une preuve "
            "d'adresse du refuge.",
            setting=S.SHELTER,
            partner=SHELTER,
            acts=("id",),
            minutes=60,
        ),
        V(
            300,
            "Appel de la prison : il a eu six mois. Il demande qu'on garde son dossier ouvert.",
            setting=S.PHONE,
            minutes=15,
        ),
        V(
            125,
            "Dernier appel avant son transfert vers un autre établissement. Il nous "
            "rappellera à sa sortie.",
            setting=S.PHONE,
            minutes=10,
        ),
    ],
    "Sylvie": [
        V(
            705,
            "Première rencontre à la halte-accueil. Elle veut sortir du refuge avant l'été.",
            setting=S.PARTNER,
            partner=DROP_IN,
            minutes=45,
        ),
        V(
            600,
            "Visite d'un HLM avec elle; elle est sur la liste d'attente depuis un an.",
            setting=S.PARTNER,
            partner=HOUSING_COMMITTEE,
            acts=("housing",),
            minutes=90,
        ),
        V(
            450,
            "Elle a eu les clés! On a fait ensemble la liste de ce qu'il faut pour l'appartement.",
            setting=S.HOME,
            acts=("housing", "listen"),
            minutes=60,
        ),
        V(
            300,
            "Accompagnée à la banque alimentaire et à la friperie pour la vaisselle et les draps.",
            setting=S.PARTNER,
            acts=("link",),
            minutes=120,
        ),
        V(
            150,
            "Elle a commencé un emploi à temps partiel dans une épicerie. Fière et fatiguée.",
            setting=S.PHONE,
            minutes=20,
        ),
        V(
            60,
            "Dernière rencontre : elle n'a plus besoin d'accompagnement. On s'est dit au "
            "revoir au café du coin.",
            setting=S.OTHER,
            acts=("listen", "share"),
            minutes=45,
        ),
    ],
    "Moïse": [
        V(
            50,
            "Moïse said hello for the first time after weeks of nodding. Took a coffee, "
            "nothing else.",
            minutes=10,
        ),
        V(
            18,
            "Asked for clean supplies for a friend. Not ready to talk about consent forms or "
            "files; we will see.",
            acts=("hr",),
            minutes=15,
        ),
    ],
    "Zoé": [
        V(
            5,
            "Zoé arrived at the shelter last week from Sherbrooke. She agreed today to share "
            "with the care team; she wants to see a doctor about her asthma.",
            shared=True,
            setting=S.SHELTER,
            partner=SHELTER,
            acts=("listen", "health"),
            minutes=45,
            reply="I can see her Wednesday at 1 pm at the clinic.",
        ),
        V(
            2,
            "Went with Zoé to the clinic. She came out with an inhaler, relieved, and "
            "wants to look for work now.",
            shared=True,
            setting=S.CLINIC,
            acts=("medical",),
            minutes=90,
            mention=TEAM_CLINICIAN,
        ),
    ],
    "Françoise": [
        V(
            255,
            "Françoise vit seule depuis le décès de son conjoint. Elle a peur de perdre son "
            "logement avec la hausse de loyer.",
            setting=S.HOME,
            minutes=60,
        ),
        V(
            200,
            "Accompagnée au comité logement pour contester la hausse. L'audience au "
            "tribunal du logement est dans trois mois.",
            setting=S.PARTNER,
            partner=HOUSING_COMMITTEE,
            acts=("housing", "link"),
            minutes=90,
        ),
        V(
            110,
            "Audience au tribunal du logement : la hausse est réduite de moitié. Elle a "
            "pleuré de soulagement.",
            setting=S.COURT,
            acts=("court",),
            minutes=180,
        ),
        V(
            50,
            "Elle va bien et fait maintenant partie du comité logement pour aider les autres "
            "locataires.",
            setting=S.HOME,
            minutes=45,
        ),
        V(
            15,
            "Appel pour prendre des nouvelles. Elle vient au groupe du jeudi avec une voisine.",
            setting=S.PHONE,
            acts=("group",),
            minutes=15,
        ),
    ],
    "Yannick": [
        V(
            84,
            "Met Yannick at the metro entrance on the evening round. Took a naloxone kit and "
            "asked for socks.",
            acts=("hr",),
            minutes=15,
        ),
        V(
            60,
            "Went with him to the clinic for his foot; he had been walking on a blister for weeks.",
            shared=True,
            setting=S.CLINIC,
            acts=("medical",),
            minutes=90,
            reply="Dressing done; he should come back Friday. Thanks for bringing him.",
        ),
        V(
            58,
            "Infected blister, right heel. Antibiotics started; dressing every two days.",
            by="clinician",
            setting=S.CLINIC,
            acts=("link",),
            minutes=30,
        ),
        V(
            30,
            "He sleeps near the river now. We talked about his daughter's birthday coming up.",
            acts=("listen",),
            minutes=30,
        ),
        V(
            9,
            "He took a bed at the Refuge du Plateau for the cold snap, and would like to talk "
            "to someone about his drinking.",
            shared=True,
            setting=S.SHELTER,
            partner=SHELTER,
            acts=("link", "listen"),
            minutes=40,
        ),
    ],
    "Ginette": [
        V(
            98,
            "Ginette habite chez sa fille, mais la cohabitation est tendue. Elle cherche un "
            "logement pour les 55 ans et plus.",
            setting=S.HOME,
            acts=("listen", "housing"),
            minutes=60,
        ),
        V(
            70,
            "Deux visites de logements pour aînés avec elle. Le deuxième lui plaît : six mois "
            "d'attente.",
            setting=S.PARTNER,
            partner=HOUSING_COMMITTEE,
            acts=("housing",),
            minutes=120,
        ),
        V(
            35,
            "Venue au groupe du jeudi pour la première fois. Elle a fait rire tout le monde.",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("group",),
            minutes=90,
        ),
        V(
            10,
            "Le moral est meilleur. Elle préfère que la clinique ne soit pas informée de ses "
            "démarches pour l'instant, et on respecte son choix.",
            setting=S.PHONE,
            minutes=20,
        ),
    ],
    "Ahmed": [
        V(
            19,
            "Ahmed est arrivé au refuge il y a trois semaines. Il demande de l'aide pour ses "
            "papiers de demandeur d'asile et pour trouver un médecin.",
            setting=S.SHELTER,
            partner=SHELTER,
            acts=("listen", "id"),
            minutes=45,
        ),
        V(
            15,
            "Accompagné à l'aide juridique pour son permis de travail. Prochain rendez-vous "
            "dans deux semaines, avec une interprète.",
            by="peer",
            setting=S.PARTNER,
            partner=LEGAL_AID,
            acts=("id", "link"),
            minutes=120,
        ),
        V(
            5,
            "Trouvé une clinique qui reçoit les personnes sans couverture. Rendez-vous jeudi; "
            "il ira avec Alex.",
            setting=S.PHONE,
            acts=("health", "link"),
            minutes=20,
        ),
    ],
    "Maëlle": [
        V(
            148,
            "Maëlle moved into transitional housing last month. We talked about how strange "
            "it is to have a door that locks.",
            setting=S.PARTNER,
            minutes=45,
        ),
        V(
            110,
            "Came to group with a friend from the house and stayed for the meal.",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("group",),
            minutes=90,
        ),
        V(
            80,
            "Accompanied Maëlle to the clinic. They want to go back to school in the fall "
            "and need a medical form for the program.",
            shared=True,
            setting=S.CLINIC,
            acts=("medical",),
            minutes=60,
            reply="The form is ready at the front desk.",
        ),
        V(
            40,
            "Filled in the student loan form together over the phone. Maëlle is anxious "
            "about the deadline at the end of the month.",
            shared=True,
            setting=S.PHONE,
            acts=("income",),
            minutes=45,
            addendum="Addition: the deadline was extended by two weeks; Maëlle was told.",
        ),
        V(
            14,
            "Accepted into the evening program! Maëlle asks whether appointments can move "
            "to mornings from September.",
            shared=True,
            setting=S.PARTNER,
            acts=("listen",),
            minutes=30,
        ),
    ],
    "Lucien": [
        V(
            360,
            "Lucien vit entre la rue et des chambres à la semaine. Il raconte qu'il était "
            "cuisinier dans un grand hôtel.",
            minutes=30,
        ),
        V(
            300,
            "Accompagné à l'urgence pour une toux qui dure. Longue attente, il est resté "
            "jusqu'au bout.",
            setting=S.HOSPITAL,
            acts=("medical",),
            minutes=300,
        ),
        V(
            250,
            "Renouvellement de sa carte d'identité : il manque une preuve d'adresse, on "
            "la demande au refuge.",
            setting=S.SHELTER,
            partner=SHELTER,
            acts=("id",),
            minutes=45,
        ),
        V(
            200,
            "Il parlait de partir chez un cousin en région. Pas de nouvelles depuis; "
            "son numéro ne répond plus.",
            minutes=20,
        ),
    ],
    "Océane": [
        V(
            40,
            "Océane keeps to herself at the encampment. Took water and a kit; maybe a coffee "
            "next time.",
            acts=("hr",),
            minutes=10,
        ),
        V(
            11,
            "Sat with Océane over a coffee. She is thinking about the women's shelter but "
            "is afraid of losing her spot at the camp.",
            acts=("listen", "link"),
            minutes=40,
        ),
    ],
    "Gaston": [
        V(
            325,
            "Gaston est au refuge depuis l'hiver. Il parle de sa fille qui vit en Outaouais.",
            setting=S.SHELTER,
            partner=SHELTER,
            minutes=30,
        ),
        V(
            240,
            "Aidé avec sa demande de pension de vieillesse; il faut ses relevés d'impôt.",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("income",),
            minutes=60,
        ),
        V(
            150,
            "Il est hébergé chez un ami pour l'instant. Sa fille lui propose de venir vivre "
            "près de chez elle.",
            setting=S.PHONE,
            minutes=20,
        ),
        V(
            90,
            "Dernière rencontre avant son départ pour Gatineau. On a trouvé ensemble une "
            "halte-accueil près de chez sa fille.",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("link", "listen"),
            minutes=45,
        ),
    ],
    "Patrice": [
        V(
            12,
            "Discharged last week after pneumonia; recovering well. Isolated since, and open "
            "to meeting a peer.",
            by="clinician",
            setting=S.CLINIC,
            acts=("link",),
            minutes=40,
        ),
    ],
    "Rosalie": [
        V(
            6,
            "Rencontrée à la clinique sans rendez-vous. Elle dort au refuge depuis dix jours "
            "et souhaite du soutien pour chercher un logement.",
            by="clinician2",
            setting=S.CLINIC,
            acts=("link",),
            minutes=30,
        ),
    ],
    "Dave": [
        V(
            39,
            "Chronic back pain; sleeping outside makes it worse. Wants his ID back before "
            "anything else.",
            by="clinician",
            setting=S.CLINIC,
            acts=("link",),
            minutes=30,
        ),
        V(
            34,
            "First coffee with Dave after the clinic's request. We listed the papers he lost "
            "and where to start.",
            by="peer2",
            acts=("id", "share"),
            minutes=45,
        ),
        V(
            20,
            "Birth certificate ordered; Dave asked that the clinic know he can pick up mail "
            "at the drop-in now.",
            shared=True,
            by="peer2",
            setting=S.PARTNER,
            partner=DROP_IN,
            acts=("id",),
            minutes=60,
            reply_by="clinician",
            reply="Good news. I have added the drop-in address to his file.",
        ),
        V(
            7,
            "Picked up the birth certificate together. Next: the health card.",
            by="peer2",
            acts=("id", "health"),
            minutes=30,
        ),
    ],
}

# Clinicians asking for a peer: (person, days ago, reason, fulfilled by
# (peer, days ago) or None while open).
REQUESTS = [
    (
        "Dave",
        38,
        "He would like help to get his ID back, with someone who knows the street.",
        ("peer2", 35),
    ),
    (
        "Patrice",
        11,
        "Isolated since his discharge; he would like someone who has lived in shelters to "
        "come with him to his appointments.",
        None,
    ),
    (
        "Rosalie",
        5,
        "Elle aimerait être accompagnée dans sa recherche de logement; elle connaît peu "
        "le quartier.",
        None,
    ),
]

ANONYMOUS = [
    "Group by the metro entrance",
    "Two people under the bridge",
    "Someone asleep at the bus shelter",
    "Three people on the park benches",
    "Couple outside the grocery store",
    "People waiting in line for the meal",
    "Young man at the train station",
    "Woman with a shopping cart near the church",
    "Small camp behind the warehouse",
    "People by the harm-reduction van",
]

# How long each reader takes to get to the shared feed: older notes are read.
READ_AFTER_DAYS = {"peer": 5, "peer2": 6, "clinician": 9, "clinician2": 12}

FILLER_SETTINGS = [S.STREET, S.STREET, S.SHELTER, S.PHONE, S.PARTNER, S.HOME]
FILLER_ACTIVITIES = ["listen", "listen", "hr", "link", "housing", "share"]


class _Demo:
    """What every step needs: users, activities and partners by name."""

    def __init__(self, rng):
        self.rng = rng
        self.users = {u.username: u for u in User.objects.all()}
        active = list(Activity.objects.filter(is_active=True))
        by_name = {a.name_en: a for a in active}
        # A coordinator may have renamed or retired an activity: fall back to the first.
        self.activities = {key: by_name.get(name, active[0]) for key, name in ACTIVITIES.items()}
        self.partners = {p.name: p for p in Partner.objects.all()}
        self.teams = {p.name: p.team for p in clients_demo.PEOPLE}

    def who(self, client, by):
        team = clients_demo.TEAMS.get(self.teams.get(client.display_name), ())
        if by in (TEAM_PEER, TEAM_CLINICIAN):
            by = team[0] if by == TEAM_PEER else team[1]
        return self.users[by]

    def other_side(self, client, author):
        """Who answers a peer (the team's clinician), or a clinician (the team's peer)."""
        if author.has_role(Role.PEER):
            return self.who(client, TEAM_CLINICIAN)
        return self.who(client, TEAM_PEER)

    def time_of_day(self):
        return self.rng.randint(9, 19), self.rng.choice([0, 10, 15, 20, 30, 40, 45, 50])


def _sharing_withdrawn_after(client, when) -> bool:
    """Whether the person withdrew consent to share after ``when``."""
    return Consent.objects.filter(
        client=client,
        purpose=Purpose.CARE_TEAM_SHARING,
        decision=Decision.WITHDRAWN,
        decided_on__gt=timezone.localtime(when).date(),
    ).exists()


def _shared_note(author, client, body, when, *, encounter=None, answers=None, mentions=()):
    """A signed care-team note written at ``when``, answering ``answers`` if
    given, letting ``mentions`` know. Shared before the person withdrew their
    consent: the service would refuse it today, so it is written for the
    author's side, then widened and linked as it was then (telling no one)."""
    widen = _sharing_withdrawn_after(client, when)
    note = services.note_start(
        acting_user=author,
        client=client,
        encounter=encounter,
        audience=None if widen else Audience.CARE_TEAM,
        body=body,
        answers=None if widen else answers,
        mentions=() if widen else mentions,
    )
    note = services.note_sign(acting_user=author, note=note)
    restamp(note, created_at=when, signed_at=when, updated_at=when)
    if widen:
        restamp(note, audience=Audience.CARE_TEAM, answers_note=answers)
    elif mentions:
        told = Notification.objects.filter(
            kind=NotificationKind.MENTIONED, url=services.conversation_url(note)
        )
        # Older ones were read a few hours later; the recent ones wait.
        recent = when > timezone.now() - timedelta(days=4)
        told.update(created_at=when, read_at=None if recent else when + timedelta(hours=3))
    return note


def _visit(demo, client, visit) -> Encounter:
    author = demo.who(client, visit.by)
    hour, minute = demo.time_of_day()
    at = moment(visit.days, hour, minute)
    ended = at + timedelta(minutes=visit.minutes)
    encounter = services.encounter_log(
        acting_user=author,
        client=client,
        occurred_at=at,
        duration_minutes=visit.minutes,
        setting=visit.setting,
        partner=demo.partners.get(visit.partner),
        activities=[demo.activities[key] for key in visit.acts],
        participants=[demo.other_side(client, author)] if visit.along else [],
        next_steps=visit.next_steps,
    )
    restamp(encounter, created_at=ended, updated_at=ended)
    if not visit.text:
        return encounter
    if visit.shared:
        mentions = [demo.who(client, visit.mention)] if visit.mention else []
        note = _shared_note(author, client, visit.text, at, encounter=encounter, mentions=mentions)
    else:
        note = services.note_start(
            acting_user=author, client=client, encounter=encounter, body=visit.text
        )
        if not visit.draft:
            services.note_sign(acting_user=author, note=note)
        restamp(
            note,
            created_at=at,
            signed_at=None if visit.draft else at,
            updated_at=ended if visit.draft else at,
        )
    if visit.reply:
        replier = demo.users[visit.reply_by] if visit.reply_by else demo.other_side(client, author)
        when = not_after_now(ended + timedelta(hours=demo.rng.randint(2, 26)))
        _shared_note(replier, client, visit.reply, when, answers=note)
        for who, words, hours in visit.more:
            when = not_after_now(when + timedelta(hours=hours))
            _shared_note(demo.who(client, who), client, words, when, answers=note)
    if visit.addendum:
        addendum = services.note_add_addendum(acting_user=author, note=note, body=visit.addendum)
        restamp(addendum, created_at=not_after_now(at + timedelta(hours=demo.rng.randint(3, 30))))
    return encounter


def _filler(demo, client, visits) -> int:
    """Routine contacts with no note between intake and the latest visit: most
    contacts are a check-in, some supplies, a call."""
    latest = min(v.days for v in visits)
    first = (timezone.localdate() - client.intake_date).days - 1
    count = min(12, (first - latest) // 30)
    author = client.created_by
    rng = demo.rng
    for _ in range(count):
        setting = S.CLINIC if author.has_role(Role.CLINICIAN) else rng.choice(FILLER_SETTINGS)
        hour, minute = demo.time_of_day()
        minutes = rng.choice([10, 15, 20, 30, 45])
        at = moment(rng.randint(latest + 1, first), hour, minute)
        encounter = services.encounter_log(
            acting_user=author,
            client=client,
            occurred_at=at,
            duration_minutes=minutes,
            setting=setting,
            partner=demo.partners[SHELTER] if setting == S.SHELTER else None,
            activities=[demo.activities[key] for key in rng.sample(FILLER_ACTIVITIES, 2)],
        )
        ended = at + timedelta(minutes=minutes)
        restamp(encounter, created_at=ended, updated_at=ended)
    return count


def _anonymous(demo) -> int:
    rng = demo.rng
    for _ in range(60):
        hour, minute = demo.time_of_day()
        at = moment(rng.randint(1, 540), hour, minute)
        encounter = services.encounter_log(
            acting_user=demo.users[rng.choice(["peer", "peer2"])],
            anonymous_count=rng.randint(1, 6),
            anonymous_description=rng.choice(ANONYMOUS),
            occurred_at=at,
            duration_minutes=rng.choice([5, 10, 15]),
            setting=S.STREET,
            activities=[demo.activities[rng.choice(["hr", "listen", "link"])]],
        )
        restamp(encounter, created_at=at + timedelta(minutes=20), updated_at=at)
    return 60


def _peer_requests(demo) -> None:
    for name, days_ago, reason, fulfilled in REQUESTS:
        client = Client.objects.filter(display_name=name).first()
        if client is None:
            continue
        asked = moment(days_ago, 14, 5)
        request = services.peer_request_open(
            acting_user=client.created_by, client=client, reason=reason
        )
        restamp(request, created_at=asked)
        told = Notification.objects.filter(
            kind=NotificationKind.PEER_REQUESTED, params__client_id=client.pk
        )
        told.update(created_at=asked)
        if fulfilled:
            username, days_ago = fulfilled
            peer, answered = demo.users[username], moment(days_ago, 11, 40)
            services.peer_request_fulfil(acting_user=peer, request=request, peer=peer)
            restamp(request, closed_at=answered)
            told.update(read_at=answered)
            membership = CareTeamMembership.objects.get(
                client=client, member=peer, left_on__isnull=True
            )
            restamp(membership, joined_on=answered.date(), created_at=answered)


def _reads(demo) -> None:
    """Who has read which shared note: its author at once; a member who answered
    it, before answering; the rest of the team when they got to the feed, so
    that the most recent notes are still new."""
    now = timezone.now()
    notes = list(
        Note.objects.filter(audience=Audience.CARE_TEAM, status=NoteStatus.SIGNED).order_by(
            "signed_at", "pk"
        )
    )
    written = {}
    for note in notes:
        written.setdefault((note.client_id, note.author_id), []).append(note.signed_at)
    members = {}
    for membership in CareTeamMembership.objects.filter(left_on__isnull=True).select_related(
        "member"
    ):
        members.setdefault(membership.client_id, []).append(membership)

    def answered(note, reader):
        return [at for at in written.get((note.client_id, reader.pk), []) if at > note.signed_at]

    # Each reader's two newest notes left unanswered wait for them whatever the
    # day of the week: the demo always has something new in the feed.
    newest_waiting = {}
    readable = {
        user.pk: set(note_policy.visible_to(user).values_list("pk", flat=True))
        for user in demo.users.values()
        if user.username in READ_AFTER_DAYS
    }
    for note in reversed(notes):
        for membership in members.get(note.client_id, []):
            reader = membership.member
            if reader.username not in READ_AFTER_DAYS or reader.pk == note.author_id:
                continue
            if note.pk not in readable[reader.pk]:
                continue
            waiting = newest_waiting.setdefault(reader.pk, [])
            if len(waiting) < 2 and not answered(note, reader):
                waiting.append(note.pk)
    for note in notes:
        reads = [(note.author_id, note.signed_at)]
        for membership in members.get(note.client_id, []):
            reader = membership.member
            lag = READ_AFTER_DAYS.get(reader.username)
            if reader.pk == note.author_id or lag is None:
                continue
            if note.pk in newest_waiting.get(reader.pk, ()):
                continue
            if answers := answered(note, reader):
                reads.append((reader.pk, answers[0] - timedelta(minutes=10)))
            elif note.signed_at < now - timedelta(days=lag):
                start = max(note.signed_at, membership.created_at)
                hours = timedelta(hours=demo.rng.randint(1, 30))
                reads.append((reader.pk, not_after_now(start + hours)))
        for reader_id, read_at in reads:
            read = NoteRead.objects.create(note=note, reader_id=reader_id)
            restamp(read, read_at=read_at)


def _safety_exception(users) -> None:
    client = Client.objects.filter(display_name="Big Mike").first()
    if client is None:
        return
    granted = moment(21, 22, 35)
    grant = EmergencyAccess.objects.create(
        client=client,
        user=users["clinician"],
        reason="medical_emergency",
        justification="Found unconscious at the shelter; paramedics asked what he had taken.",
        granted_at=granted,
        expires_at=granted + timedelta(hours=1),
        disclosed_what="Substances mentioned in the peer's last note",
        disclosed_to="Paramedic crew on site",
        disclosure_purpose="Emergency treatment",
    )
    services.emergency_access_review(
        acting_user=users["coordinator"],
        grant=grant,
        status=ReviewStatus.REVIEWED,
        comment="Justified: medical emergency, disclosure limited to the crew.",
    )
    restamp(grant, reviewed_at=moment(20, 9, 50))


@transaction.atomic
def seed_encounters() -> int:
    if Encounter.objects.exists():
        return 0
    demo = _Demo(random.Random(2026))  # noqa: S311 (invented demo data, same every time)
    # Requests first: the peer who answers one joins the team, then meets the person.
    _peer_requests(demo)
    created = 0
    for name, visits in STORIES.items():
        client = Client.objects.filter(display_name=name, merged_into__isnull=True).first()
        if client is None:
            continue
        for visit in visits:
            _visit(demo, client, visit)
        created += len(visits) + _filler(demo, client, visits)
    created += _anonymous(demo)
    _reads(demo)
    _safety_exception(demo.users)
    clients_demo.settle_last_contacts(Client.objects.all())
    return created
