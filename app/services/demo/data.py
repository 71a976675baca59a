"""People, places, organisation and proportions of the demo data (``app.services.demo``).

Plain data only: the loader combines these pools once, up front, so that generating a
million complaints costs a few random picks per row and no string building. What the
complaints say (subjects, answers, notes) is in ``texts``.
"""

FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Jade", "Louise", "Sarah", "Julie",
    "Pauline", "Marie", "Anne", "Isabelle", "Nathalie", "Sophie", "Céline", "Aurélie",
    "Élodie", "Hélène", "Margaux", "Clémence", "Noémie", "Fatima", "Amina", "Yasmine",
    "Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Thomas", "Nicolas", "Julien",
    "Maxime", "Antoine", "Alexandre", "Romain", "Sébastien", "Frédéric", "Stéphane",
    "Laurent", "Philippe", "Pierre", "Jean", "François", "Olivier", "Mathieu", "Benoît",
    "Karim", "Mehdi", "Youssef", "Rachid", "Mamadou", "Moussa", "Kevin", "Théo", "Bastien",
    "Gaëlle", "Loïc", "Yannick", "Gwenaëlle", "Jérôme", "Véronique", "Brigitte", "Michel",
]

LAST_NAMES = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
    "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand",
    "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau",
    "Vincent", "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin",
    "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin",
    "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier",
    "Masson", "Marchand", "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer",
    "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas",
    "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez", "Gérard", "Roche", "Renard",
    "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard", "Le Gall", "Benali",
    "Diallo", "Nguyen", "Haddad", "Da Silva", "Ferreira", "Kergoat", "Le Bihan",
]

# (postcode, city)
CITIES = [
    ("75011", "Paris"), ("75015", "Paris"), ("75019", "Paris"), ("13005", "Marseille"),
    ("13008", "Marseille"), ("69003", "Lyon"), ("69007", "Lyon"), ("31000", "Toulouse"),
    ("06000", "Nice"), ("44000", "Nantes"), ("67000", "Strasbourg"), ("34000", "Montpellier"),
    ("33000", "Bordeaux"), ("59000", "Lille"), ("35000", "Rennes"), ("51100", "Reims"),
    ("42000", "Saint-Étienne"), ("83000", "Toulon"), ("76600", "Le Havre"),
    ("38000", "Grenoble"), ("21000", "Dijon"), ("49000", "Angers"), ("30000", "Nîmes"),
    ("63000", "Clermont-Ferrand"), ("72000", "Le Mans"), ("13100", "Aix-en-Provence"),
    ("29200", "Brest"), ("37000", "Tours"), ("80000", "Amiens"), ("87000", "Limoges"),
    ("74000", "Annecy"), ("66000", "Perpignan"), ("57000", "Metz"), ("25000", "Besançon"),
    ("45000", "Orléans"), ("68100", "Mulhouse"), ("14000", "Caen"), ("54000", "Nancy"),
    ("95000", "Cergy"), ("92100", "Boulogne-Billancourt"), ("93200", "Saint-Denis"),
    ("64000", "Pau"), ("17000", "La Rochelle"), ("86000", "Poitiers"), ("56100", "Lorient"),
    ("84000", "Avignon"), ("62000", "Arras"), ("71100", "Chalon-sur-Saône"),
]

STREETS = [
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta",
    "rue Pasteur", "place de la Mairie", "rue des Écoles", "chemin des Vignes",
    "allée des Tilleuls", "rue du Moulin", "avenue de la Gare", "rue Jules Ferry",
    "impasse des Lilas", "rue Émile Zola", "rue de l'Église", "boulevard Voltaire",
    "rue du Général de Gaulle", "avenue Foch", "rue Nationale", "quai des Bateliers",
    "rue Saint-Michel", "route de Lyon", "rue des Acacias", "rue Paul Bert",
    "avenue des Champs", "rue du Stade", "rue des Peupliers", "rue Anatole France",
    "place du Marché", "rue de la Paix", "chemin du Lavoir", "rue des Roses",
]

EMAIL_DOMAINS = ["gmail.com", "orange.fr", "free.fr", "laposte.net", "sfr.fr",
                 "hotmail.fr", "yahoo.fr", "outlook.fr", "wanadoo.fr", "bbox.fr"]

# Company name = pattern with a last name; legal forms appended at random.
COMPANY_PATTERNS = [
    "Boulangerie {}", "Garage {}", "Transports {}", "Pharmacie {}", "Cabinet {}",
    "Restaurant Chez {}", "Hôtel {}", "Menuiserie {}", "Plomberie {}", "Boucherie {}",
    "Laverie {}", "Auto-école {}", "Salon {}", "Brasserie {}", "Imprimerie {}",
    "Fromagerie {}", "Camping {}", "Syndic {}", "Ferme {}", "Clinique vétérinaire {}",
]
COMPANY_FORMS = ["SARL", "SAS", "EURL", "SA", "& Fils", "et Associés", ""]
COMPANY_FIXED = [
    "SCI Les Tilleuls", "Résidence Les Érables", "Copropriété Le Parc", "Mairie annexe",
    "Collège Jean Moulin", "EHPAD Les Glycines", "Lycée Marie Curie", "Camping du Lac",
]

# Sector and agency codes → short forms used in analytic codes (e.g. EAU-NORD-02).
SECTOR_SHORT = {"water": "EAU", "sanitation": "ASS", "energy": "ENR", "waste": "DEC"}
AGENCY_SHORT = {"north": "NORD", "south": "SUD", "east": "EST", "west": "OUEST",
                "centre": "CTR"}

CONTRACT_LABELS = {
    "water": ["Abonnement eau potable – résidence principale",
              "Abonnement eau potable – résidence secondaire",
              "Contrat eau – usage professionnel", "Abonnement eau – compteur collectif"],
    "sanitation": ["Assainissement collectif", "Contrôle assainissement non collectif",
                   "Entretien fosse septique"],
    "energy": ["Fourniture d'électricité – tarif base", "Fourniture d'électricité – heures "
               "creuses", "Fourniture de gaz naturel", "Offre verte électricité"],
    "waste": ["Collecte des déchets – bacs individuels", "Redevance spéciale déchets",
              "Collecte des encombrants"],
}
CONTRACT_LABEL_DEFAULT = ["Contrat de service", "Abonnement standard"]

# Teams ("services") and the categories each one handles; the last team gets the
# confidential categories, and any category not listed goes to the first team.
# (French name, English name, email, categories)
TEAMS = [
    ("Service clientèle", "Customer service", "service.clientele@demo.example.org",
     {"customer_service", "contractual", "delivery"}),
    ("Service facturation", "Billing", "facturation@demo.example.org", {"billing"}),
    ("Service technique", "Technical support", "technique@demo.example.org",
     {"technical", "product_quality"}),
    ("Cellule éthique et conformité", "Ethics and compliance", "ethique@demo.example.org",
     {"gbv", "harassment"}),
]

# (username, first name, last name, team index); the first member of a team manages it.
STAFF = [
    ("demo.camille.martin", "Camille", "Martin", 0),
    ("demo.julien.bernard", "Julien", "Bernard", 1),
    ("demo.sophie.lefebvre", "Sophie", "Lefebvre", 2),
    ("demo.nicolas.garnier", "Nicolas", "Garnier", 2),
    ("demo.amandine.roux", "Amandine", "Roux", 0),
    ("demo.karim.benali", "Karim", "Benali", 3),
]

CONFIDENTIAL_CATEGORIES = {"gbv", "harassment"}

CATEGORY_WEIGHTS = {
    "technical": 25, "billing": 28, "contractual": 10, "product_quality": 8, "delivery": 9,
    "customer_service": 16, "gbv": 2, "harassment": 2,
}
REQUEST_TYPE_WEIGHTS = {"complaint": 76, "question": 15, "suggestion": 5, "thanks": 4}
CHANNEL_WEIGHTS = {"web": 30, "email": 25, "phone": 24, "letter": 8, "counter": 8,
                   "hotline": 5}
SEVERITY_WEIGHTS = {"blocking": 15, "non_blocking": 50, "minor": 35}
COMPLEXITY_WEIGHTS = {"simple": 40, "standard": 45, "complex": 15}
RESOLUTION_WEIGHTS = {"refund": 12, "replacement": 8, "explanation": 45,
                      "commercial_gesture": 15, "process_change": 8, "rejected": 12}

# Final state of a complaint by its age; unknown (admin-made) states weigh 1.
STATE_WEIGHTS_BY_AGE = [
    (7, {"new": 30, "acknowledged": 25, "in_progress": 25, "waiting_customer": 8,
         "answered": 8, "closed": 3, "reopened": 1}),
    (45, {"new": 4, "acknowledged": 8, "in_progress": 25, "waiting_customer": 12,
          "answered": 20, "closed": 28, "reopened": 3}),
    (None, {"new": 1, "acknowledged": 1, "in_progress": 3, "waiting_customer": 2,
            "answered": 5, "closed": 86, "reopened": 2}),
]

# Hours a complaint stays in a state before its next transition (min, max).
STATE_HOURS = {
    "new": (0.5, 48), "acknowledged": (1, 72), "in_progress": (24, 240),
    "waiting_customer": (24, 288), "answered": (24, 360), "closed": (48, 960),
    "reopened": (1, 72),
}
STATE_HOURS_DEFAULT = (1, 120)
