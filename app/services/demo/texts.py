"""What the demo complaints say: subjects and texts, answers, notes, reminders, comments.

Plain data only, combined once by the loader (see ``complaints._topics``).
"""

# Subject and text of a complaint, by category: the loader wraps each text in a greeting
# and a closing formula.
TOPICS = {
    "technical": [
        ("Fuite d'eau avant compteur", "Depuis plusieurs jours, une fuite d'eau est visible "
         "au niveau du compteur et le sol reste détrempé."),
        ("Fuite sur la voie publique devant mon domicile", "Une fuite importante coule sur "
         "le trottoir depuis une semaine ; le signalement fait en mairie n'a rien donné."),
        ("Baisse de pression au robinet", "La pression au robinet est devenue très faible, "
         "surtout le matin, ce qui empêche d'utiliser la douche normalement."),
        ("Coupure d'eau sans préavis", "L'eau a été coupée toute la matinée sans aucun avis "
         "préalable dans l'immeuble."),
        ("Eau trouble au robinet", "L'eau qui sort du robinet est trouble et marron depuis "
         "les travaux dans la rue."),
        ("Compteur bloqué", "Le compteur n'avance plus alors que la consommation du foyer "
         "est normale."),
        ("Refoulement des égouts", "Les égouts refoulent dans la cave à chaque forte pluie, "
         "avec une odeur insupportable."),
        ("Regard d'assainissement bouché", "Le regard situé devant la maison est bouché et "
         "déborde dans le jardin."),
        ("Coupures d'électricité répétées", "Le courant a été coupé quatre fois cette "
         "semaine, ce qui a endommagé le réfrigérateur."),
        ("Bac de collecte non vidé", "Le bac n'a pas été vidé lors des deux dernières "
         "tournées de collecte."),
    ],
    "billing": [
        ("Facture anormalement élevée", "Ma dernière facture est trois fois plus élevée que "
         "d'habitude alors que ma consommation n'a pas changé."),
        ("Double prélèvement sur mon compte", "Le montant de l'échéance a été prélevé deux "
         "fois sur mon compte ce mois-ci."),
        ("Relevé de compteur erroné", "L'index relevé sur la facture ne correspond pas à "
         "celui de mon compteur, dont je joins la photo."),
        ("Facture estimée alors que le relevé a été fait", "La facture est basée sur une "
         "estimation alors que le releveur est passé le mois dernier."),
        ("Contestation des pénalités de retard", "Des pénalités de retard m'ont été "
         "appliquées alors que le paiement a été fait à temps."),
        ("Demande d'échéancier de paiement", "Suite à une perte d'emploi, je ne peux pas "
         "régler la facture en une fois et sollicite un échéancier."),
        ("Remboursement du trop-perçu non reçu", "Je n'ai toujours pas reçu le remboursement "
         "du trop-perçu annoncé dans votre courrier."),
        ("Facture reçue pour un logement quitté", "Je reçois encore des factures pour un "
         "logement que j'ai quitté il y a quatre mois."),
    ],
    "contractual": [
        ("Résiliation non prise en compte", "J'ai demandé la résiliation de mon contrat il y "
         "a deux mois et je suis toujours facturé."),
        ("Déménagement : transfert de contrat", "Suite à mon déménagement, je souhaite "
         "transférer mon contrat à ma nouvelle adresse."),
        ("Mensualisation non appliquée", "La mensualisation demandée lors de la souscription "
         "n'a jamais été mise en place."),
        ("Contrat ouvert à un mauvais nom", "Le contrat a été ouvert au nom de l'ancien "
         "propriétaire malgré l'acte de vente transmis."),
    ],
    "product_quality": [
        ("Goût de chlore prononcé", "L'eau a un fort goût de chlore depuis quelques semaines, "
         "mes enfants refusent de la boire."),
        ("Eau très calcaire", "L'eau est tellement calcaire que la bouilloire et le "
         "lave-linge s'entartrent très vite."),
        ("Odeur désagréable de l'eau", "Une odeur de terre se dégage de l'eau du robinet, "
         "notamment le soir."),
        ("Bac de collecte fissuré", "Le bac livré est fissuré et le couvercle ne ferme plus."),
    ],
    "delivery": [
        ("Rendez-vous du technicien non honoré", "Le technicien devait passer mardi entre "
         "8 h et 12 h ; personne n'est venu et je n'ai reçu aucun appel."),
        ("Bac de collecte jamais livré", "Le bac de collecte commandé il y a six semaines "
         "n'a toujours pas été livré."),
        ("Retard de pose du compteur", "La pose du nouveau compteur a été reportée trois "
         "fois sans explication."),
        ("Kit d'économie d'eau non reçu", "Le kit d'économie d'eau promis lors de la "
         "souscription n'est jamais arrivé."),
    ],
    "customer_service": [
        ("Attente téléphonique trop longue", "J'ai attendu plus de quarante minutes au "
         "téléphone avant que la ligne ne coupe."),
        ("Aucune réponse à mes courriels", "Mes trois courriels envoyés ce mois-ci sont "
         "restés sans aucune réponse."),
        ("Accueil désagréable à l'agence", "L'accueil à l'agence a été très désagréable et "
         "je n'ai obtenu aucune solution."),
        ("Informations contradictoires des conseillers", "Chaque conseiller me donne une "
         "information différente sur mon dossier."),
        ("Rappel promis jamais effectué", "Un rappel m'avait été promis sous 48 heures, il "
         "n'a jamais eu lieu."),
    ],
    "gbv": [
        ("Signalement de propos sexistes lors d'une intervention", "Lors de l'intervention à "
         "mon domicile, l'agent a tenu des propos sexistes et s'est montré insistant malgré "
         "mes refus."),
        ("Signalement de violences fondées sur le genre", "Je souhaite signaler des faits de "
         "violence fondée sur le genre survenus lors d'un rendez-vous en agence. Je demande "
         "que ce signalement reste strictement confidentiel."),
        ("Comportement déplacé d'un intervenant", "Un intervenant a eu des gestes déplacés "
         "lors du relevé du compteur."),
    ],
    "harassment": [
        ("Harcèlement téléphonique pour un recouvrement", "Je reçois plusieurs appels par "
         "jour, y compris le soir, pour une facture déjà réglée."),
        ("Messages intimidants d'un agent de recouvrement", "Un agent de recouvrement "
         "m'envoie des messages intimidants et menace de couper l'eau."),
        ("Relances insistantes et humiliantes", "Je subis des relances insistantes et "
         "humiliantes de la part d'un conseiller."),
    ],
}

OPENERS = ["Bonjour,", "Madame, Monsieur,", "Bonjour Madame, bonjour Monsieur,", ""]
CLOSINGS = [
    "Merci de traiter ma demande rapidement.",
    "Dans l'attente de votre retour, je vous prie d'agréer mes salutations distinguées.",
    "Je reste disponible pour tout complément d'information.",
    "Je vous remercie de me tenir informé de la suite donnée.",
    "Cordialement.",
]

# Topics that replace the category's ones for the other request types.
REQUEST_TOPICS = {
    "question": [
        ("Question sur ma facture", "Pourriez-vous m'expliquer le détail des lignes de ma "
         "dernière facture ?"),
        ("Comment relever mon compteur ?", "Je souhaiterais savoir comment relever moi-même "
         "mon compteur."),
        ("Demande d'information sur les tarifs", "Quels sont les tarifs applicables à partir "
         "du 1er janvier ?"),
        ("Justificatifs pour un changement de titulaire", "Quels documents dois-je fournir "
         "pour reprendre le contrat de mon père ?"),
    ],
    "suggestion": [
        ("Suggestion : relevé de compteur en ligne", "Il serait pratique de pouvoir saisir "
         "l'index du compteur directement en ligne."),
        ("Suggestion : rappel SMS avant intervention", "Un SMS la veille des interventions "
         "éviterait bien des rendez-vous manqués."),
    ],
    "thanks": [
        ("Remerciements pour l'intervention rapide", "Je tenais à remercier le technicien "
         "pour sa rapidité et sa gentillesse."),
        ("Remerciements au service client", "Merci pour la prise en charge efficace de ma "
         "demande."),
    ],
}

RESOLUTIONS = {
    "refund": ["Remboursement accordé au client sous 10 jours.",
               "Le montant contesté a été remboursé par virement."],
    "replacement": ["Le matériel défectueux a été remplacé.",
                    "Remplacement effectué lors d'une nouvelle intervention."],
    "explanation": ["Explications détaillées données au client par téléphone puis par "
                    "courriel.",
                    "Le client a été informé des causes du problème et des mesures prises.",
                    "Rappel des conditions du contrat et des démarches à suivre."],
    "commercial_gesture": ["Geste commercial de 30 € accordé sur la prochaine facture.",
                           "Avoir de 50 € appliqué en dédommagement."],
    "process_change": ["La procédure de prise de rendez-vous a été revue avec l'équipe.",
                       "Un contrôle supplémentaire des relevés estimés a été mis en place."],
    "rejected": ["Après vérification, la facture est conforme : réclamation non fondée.",
                 "La demande ne relève pas de notre service ; le client a été réorienté."],
}
CORRECTIVE_ACTIONS = [
    "Vérification du compteur par un technicien.",
    "Mise à jour de la fiche client et de l'index de référence.",
    "Sensibilisation de l'équipe d'accueil.",
    "Signalement transmis au responsable de secteur.",
    "Réparation de la canalisation et contrôle de la pression.",
    "Audit des prélèvements du mois concerné.",
]

NOTES = [
    "Client rappelé, il confirme les faits et enverra des photos.",
    "Vérifié dans le SI : l'historique du client confirme sa demande.",
    "En attente du retour du service technique.",
    "Dossier similaire traité le mois dernier pour le même client.",
    "Le client est très mécontent, à traiter en priorité.",
    "Demande transmise à l'équipe terrain pour intervention.",
    "Message laissé sur le répondeur du client.",
    "Pièces justificatives reçues et vérifiées.",
    "Voir avec la comptabilité pour le remboursement.",
    "Intervention planifiée, le client est prévenu.",
    "Le client souhaite être contacté uniquement par courriel.",
]
REMINDER_NOTES = [
    "Relancer le client pour les justificatifs.", "Vérifier que l'intervention a eu lieu.",
    "Rappeler le client après le passage du technicien.",
    "Contrôler le remboursement sur le prochain relevé.",
    "Faire le point avec le service technique.", "Envoyer la réponse définitive.",
]

# Occasional comment on a state change, by target state.
STATE_COMMENTS = {
    "acknowledged": ["Accusé de réception envoyé.", "AR envoyé par courriel."],
    "in_progress": ["Pris en charge par le service.", "Éléments reçus, reprise de "
                    "l'instruction."],
    "waiting_customer": ["Demande de justificatifs au client.", "Photos du compteur "
                         "demandées au client."],
    "answered": ["Réponse envoyée par courriel.", "Réponse envoyée par courrier."],
    "closed": ["Clôture après confirmation du client.", "Clôture sans retour du client."],
    "reopened": ["Le client conteste la réponse.", "Nouvel élément transmis par le client."],
}
