import factory
from django.utils import timezone

from accounts.models import (
    INVITATION_VALID_FOR,
    District,
    Invitation,
    LegalForm,
    Membership,
    Organisation,
    OrganisationState,
    Role,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        """allauth only lets people with a verified address log in."""
        from allauth.account.models import EmailAddress

        if create:
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class AdvisorFactory(UserFactory):
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Kulturverein Hagen {n} e.V.")
    legal_form = LegalForm.REGISTERED
    register_number = factory.Sequence(lambda n: f"VR {1000 + n}")
    register_court = "Amtsgericht Hagen"
    district = District.MITTE
    state = OrganisationState.ACTIVE
    profile_confirmed_at = factory.LazyFunction(timezone.now)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CHAIR


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    role = Role.MEMBER
    expires_at = factory.LazyFunction(lambda: timezone.now() + INVITATION_VALID_FOR)


# --- funding and training (issue 3) ---------------------------------------------------------------------
from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from applications.models import (  # noqa: E402
    CostLine,
    FinancingType,
    FundingRequest,
    IncomeKind,
    IncomeLine,
    Programme,
    TrainingFormat,
    TrainingRequest,
    TrainingTopic,
)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """Like 'Landesförderung MSO, Einzelprojekt': up to 80 %, at most 15,000 €, own share ≥ 20 %, volunteer ≤ 15 %."""

    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Landesförderung MSO Einzelprojekt {n}")
    financing_type = FinancingType.SHARE
    max_amount = Decimal("15000.00")
    max_rate = Decimal("80.00")
    min_own_share_rate = Decimal("20.00")
    volunteer_cap_rate = Decimal("15.00")
    call_opens = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    call_closes = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    yearly_budget = Decimal("50000.00")
    required_documents = factory.LazyFunction(lambda: [])


class FundingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingRequest

    organisation = factory.SubFactory(OrganisationFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Sommerfest der Kulturen {n}")


def complete_request(request, *, costs=Decimal("1000.00"), requested=Decimal("800.00")):
    """Fill a draft so that it can be submitted: project, a balanced finance plan, declarations."""
    FundingRequest.objects.filter(pk=request.pk).update(
        goals="Begegnung im Stadtteil", target_groups="Familien", expected_participants=80, place="Volkspark Hagen",
        starts_on=timezone.localdate() + timedelta(days=30), ends_on=timezone.localdate() + timedelta(days=31),
        requested_amount=requested, not_started=True, information_true=True,
    )  # fmt: skip
    CostLine.objects.create(request=request, category="rent", description="Zeltmiete", amount=costs)
    own = costs - requested
    if own:
        IncomeLine.objects.create(request=request, kind=IncomeKind.OWN_FUNDS, description="Mitgliedsbeiträge", amount=own)
    return FundingRequest.objects.get(pk=request.pk)


class TrainingTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingTopic

    name_de = factory.Sequence(lambda n: f"Öffentlichkeitsarbeit {n}")
    name_en = factory.Sequence(lambda n: f"Public relations {n}")


class TrainingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRequest

    organisation = factory.SubFactory(OrganisationFactory)
    topic = factory.SubFactory(TrainingTopicFactory)
    format = TrainingFormat.IN_PERSON
    time_windows = "abends ab 18 Uhr"
    expected_participants = 5
