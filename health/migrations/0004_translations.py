"""The shipped instrument in French, Spanish and Portuguese, so partner-side
respondents can answer in their language. Our own translations; a statement
keeps its English text as the fallback for any other language."""

from django.db import migrations

NAME = "Partnership health check"

# code: ({lang: factor name}, [{lang: statement}, …] in statement order)
TRANSLATIONS = {
    "trust": (
        {"fr": "Confiance", "es": "Confianza", "pt": "Confiança"},
        [
            {
                "fr": "Quand l'autre partie dit qu'elle fera quelque chose, c'est fait.",
                "es": "Cuando la otra parte dice que hará algo, lo hace.",
                "pt": "Quando a outra parte diz que fará algo, isso é feito.",
            },
            {
                "fr": "Je peux signaler un problème à l'autre partie sans craindre l'usage qui en sera fait.",
                "es": "Puedo plantear un problema a la otra parte sin preocuparme por cómo se usará.",
                "pt": "Posso levantar um problema com a outra parte sem me preocupar com o uso que dele será feito.",
            },
            {
                "fr": "L'autre partie agit dans l'intérêt du partenariat, pas seulement dans le sien.",
                "es": "La otra parte actúa en interés de la alianza, no solo en el suyo.",
                "pt": "A outra parte age no interesse da parceria, não apenas no seu próprio.",
            },
        ],
    ),
    "communication": (
        {"fr": "Communication et langue", "es": "Comunicación e idioma", "pt": "Comunicação e idioma"},
        [
            {
                "fr": "J'apprends les décisions qui touchent mon travail avant qu'elles ne soient appliquées.",
                "es": "Me entero de las decisiones que afectan a mi trabajo antes de que se lleven a cabo.",
                "pt": "Fico a saber das decisões que afetam o meu trabalho antes de serem executadas.",
            },
            {
                "fr": "Les différences de langue entraînent rarement des malentendus entre nous.",
                "es": "Las diferencias de idioma rara vez causan malentendidos entre nosotros.",
                "pt": "As diferenças de idioma raramente causam mal-entendidos entre nós.",
            },
            {
                "fr": "Nos réunions et nos échanges sont assez fréquents pour faire avancer le travail.",
                "es": "Nuestras reuniones y mensajes son lo bastante frecuentes para que el trabajo avance.",
                "pt": "As nossas reuniões e mensagens são frequentes o suficiente para o trabalho avançar.",
            },
        ],
    ),
    "shared-vision": (
        {
            "fr": "Vision commune et objectifs alignés",
            "es": "Visión compartida y objetivos alineados",
            "pt": "Visão partilhada e objetivos alinhados",
        },
        [
            {
                "fr": "Les deux parties décriraient de la même façon le but de ce partenariat.",
                "es": "Ambas partes describirían el propósito de esta alianza de la misma manera.",
                "pt": "Ambas as partes descreveriam o objetivo desta parceria da mesma forma.",
            },
            {
                "fr": "Ce que mon organisation attend du partenariat rejoint ce que l'autre partie attend.",
                "es": "Lo que mi organización quiere de la alianza encaja con lo que quiere la otra parte.",
                "pt": "O que a minha organização quer da parceria está de acordo com o que a outra parte quer.",
            },
            {
                "fr": "Nous sommes d'accord sur la manière de savoir si le partenariat a réussi.",
                "es": "Estamos de acuerdo en cómo sabremos si la alianza ha tenido éxito.",
                "pt": "Estamos de acordo sobre como saberemos se a parceria teve sucesso.",
            },
        ],
    ),
    "roles": (
        {
            "fr": "Clarté des rôles et des responsabilités",
            "es": "Claridad de funciones y responsabilidades",
            "pt": "Clareza de papéis e responsabilidades",
        },
        [
            {
                "fr": "Je sais qui, de chaque côté, est responsable de chaque partie du travail.",
                "es": "Sé quién es responsable de cada parte del trabajo en cada lado.",
                "pt": "Sei quem, de cada lado, é responsável por cada parte do trabalho.",
            },
            {
                "fr": "Le travail tombe rarement entre les deux parties ou n'est que rarement fait deux fois.",
                "es": "Rara vez el trabajo queda sin hacer entre las dos partes o se hace dos veces.",
                "pt": "Raramente o trabalho fica por fazer entre as duas partes ou é feito duas vezes.",
            },
            {
                "fr": "On sait clairement qui décide quand les deux parties ne sont pas d'accord.",
                "es": "Está claro quién decide cuando las dos partes no están de acuerdo.",
                "pt": "É claro quem decide quando as duas partes discordam.",
            },
        ],
    ),
    "cultural-competence": (
        {"fr": "Compétence culturelle", "es": "Competencia cultural", "pt": "Competência cultural"},
        [
            {
                "fr": "L'autre partie comprend comment les décisions sont prises dans mon organisation.",
                "es": "La otra parte entiende cómo se toman las decisiones en mi organización.",
                "pt": "A outra parte entende como as decisões são tomadas na minha organização.",
            },
            {
                "fr": "Les différences d'usages de travail sont abordées ouvertement et avec respect.",
                "es": "Las diferencias en las costumbres de trabajo se tratan abiertamente y con respeto.",
                "pt": "As diferenças nos hábitos de trabalho são discutidas de forma aberta e respeitosa.",
            },
            {
                "fr": "Des deux côtés, chacun adapte sa façon de travailler pour faciliter la collaboration.",
                "es": "Las personas de ambos lados adaptan su forma de trabajar para facilitar la colaboración.",
                "pt": "As pessoas de ambos os lados adaptam a sua forma de trabalhar para facilitar a colaboração.",
            },
        ],
    ),
    "regulatory": (
        {
            "fr": "Démarches réglementaires et juridiques",
            "es": "Gestión regulatoria y legal",
            "pt": "Gestão regulatória e jurídica",
        },
        [
            {
                "fr": "Les autorisations, avis éthiques et permis nécessaires à notre travail arrivent à temps.",
                "es": "Las aprobaciones, revisiones éticas y permisos que necesita nuestro trabajo llegan a tiempo.",
                "pt": "As aprovações, pareceres éticos e licenças de que o nosso trabalho precisa chegam a tempo.",
            },
            {
                "fr": "Nous savons quelles règles sur les données et les informations des patients s'appliquent de chaque côté.",
                "es": "Sabemos qué normas sobre datos e información de pacientes se aplican en cada lado.",
                "pt": "Sabemos que regras sobre dados e informação de doentes se aplicam de cada lado.",
            },
            {
                "fr": "Les questions juridiques ou contractuelles sont réglées sans bloquer le travail.",
                "es": "Las cuestiones legales o contractuales se resuelven sin paralizar el trabajo.",
                "pt": "As questões jurídicas ou contratuais são resolvidas sem parar o trabalho.",
            },
        ],
    ),
    "logistics": (
        {
            "fr": "Logistique entre pays et fuseaux horaires",
            "es": "Logística entre países y husos horarios",
            "pt": "Logística entre países e fusos horários",
        },
        [
            {
                "fr": "Nous trouvons des horaires de réunion qui conviennent aux deux parties sans effort excessif.",
                "es": "Encontramos horarios de reunión que convienen a ambas partes sin esfuerzo excesivo.",
                "pt": "Encontramos horários de reunião que servem ambas as partes sem esforço excessivo.",
            },
            {
                "fr": "Les voyages, visas, envois et paiements entre nous retardent rarement le travail.",
                "es": "Los viajes, visados, envíos y pagos entre nosotros rara vez retrasan el trabajo.",
                "pt": "As viagens, vistos, envios e pagamentos entre nós raramente atrasam o trabalho.",
            },
            {
                "fr": "Les outils que nous partageons (documents, appels, données) fonctionnent pour les deux parties.",
                "es": "Las herramientas que compartimos (documentos, llamadas, datos) funcionan para ambas partes.",
                "pt": "As ferramentas que partilhamos (documentos, chamadas, dados) funcionam para ambas as partes.",
            },
        ],
    ),
    "resources": (
        {
            "fr": "Financement et engagement de ressources",
            "es": "Financiación y compromiso de recursos",
            "pt": "Financiamento e compromisso de recursos",
        },
        [
            {
                "fr": "Le financement convenu pour le partenariat arrive comme prévu.",
                "es": "La financiación acordada para la alianza llega según lo previsto.",
                "pt": "O financiamento acordado para a parceria chega como previsto.",
            },
            {
                "fr": "Chaque partie consacre au partenariat les personnes et le temps promis.",
                "es": "Cada parte dedica a la alianza las personas y el tiempo que prometió.",
                "pt": "Cada parte dedica à parceria as pessoas e o tempo que prometeu.",
            },
            {
                "fr": "Les ressources du partenariat suffisent pour ce qu'on attend de lui.",
                "es": "Los recursos de la alianza bastan para lo que se espera de ella.",
                "pt": "Os recursos da parceria são suficientes para o que dela se espera.",
            },
        ],
    ),
    "leadership": (
        {
            "fr": "Leadership et redevabilité",
            "es": "Liderazgo y rendición de cuentas",
            "pt": "Liderança e responsabilização",
        },
        [
            {
                "fr": "Les dirigeants des deux parties soutiennent visiblement ce partenariat.",
                "es": "Los líderes de ambas partes apoyan visiblemente esta alianza.",
                "pt": "Os líderes de ambas as partes apoiam visivelmente esta parceria.",
            },
            {
                "fr": "Quand quelque chose va mal, quelqu'un prend la responsabilité de le corriger.",
                "es": "Cuando algo sale mal, alguien asume la responsabilidad de corregirlo.",
                "pt": "Quando algo corre mal, alguém assume a responsabilidade de o corrigir.",
            },
            {
                "fr": "L'avancement est rapporté honnêtement, y compris ce qui ne fonctionne pas.",
                "es": "El avance se informa con honestidad, incluido lo que no funciona.",
                "pt": "O progresso é relatado com honestidade, incluindo o que não está a funcionar.",
            },
        ],
    ),
}


def translate(apps, schema_editor):
    Factor = apps.get_model("health", "Factor")
    Statement = apps.get_model("health", "Statement")
    factors = Factor.objects.filter(instrument__name=NAME, instrument__version=1)
    for factor in factors:
        names, statements = TRANSLATIONS[factor.code]
        factor.translations = {**names, **factor.translations}
        factor.save(update_fields=["translations"])
        for statement, texts in zip(
            Statement.objects.filter(factor=factor).order_by("position", "pk"),
            statements,
            strict=True,
        ):
            statement.translations = {**texts, **statement.translations}
            statement.save(update_fields=["translations"])


class Migration(migrations.Migration):
    dependencies = [("health", "0003_rounds")]

    operations = [migrations.RunPython(translate, migrations.RunPython.noop)]
