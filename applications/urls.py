from django.urls import path

from .views import advisor_funding, advisor_training, funding, training

app_name = "applications"

urlpatterns = [
    # the organisation's side
    path("orgs/<int:org>/requests/", funding.request_list, name="request_list"),
    path("orgs/<int:org>/requests/new/", funding.choose_programme, name="choose_programme"),
    path("orgs/<int:org>/requests/new/<int:programme>/", funding.create, name="create"),
    path("orgs/<int:org>/requests/<int:pk>/", funding.detail, name="detail"),
    path("orgs/<int:org>/requests/<int:pk>/edit/<slug:step>/", funding.edit_step, name="edit_step"),
    path("orgs/<int:org>/requests/<int:pk>/finance/preview/", funding.finance_preview, name="finance_preview"),
    path("orgs/<int:org>/requests/<int:pk>/comment/", funding.comment, name="comment"),
    path("orgs/<int:org>/requests/<int:pk>/report/", funding.report, name="report"),
    path("orgs/<int:org>/requests/<int:pk>/do/<slug:action>/", funding.act, name="act"),
    path("orgs/<int:org>/trainings/new/", training.create, name="training_create"),
    path("orgs/<int:org>/trainings/<int:pk>/", training.detail, name="training_detail"),
    path("orgs/<int:org>/trainings/<int:pk>/withdraw/", training.withdraw, name="training_withdraw"),
    path("orgs/<int:org>/sessions/<int:session>/participants/", training.participants, name="participants"),
    # the KI's side
    path("advisor/requests/", advisor_funding.queue, name="queue"),
    path("advisor/requests/<int:pk>/", advisor_funding.review, name="review"),
    path("advisor/requests/<int:pk>/comment/", advisor_funding.comment, name="advisor_comment"),
    path("advisor/requests/<int:pk>/assign/", advisor_funding.assign, name="assign"),
    path("advisor/requests/<int:pk>/do/<slug:action>/", advisor_funding.act, name="advisor_act"),
    path("advisor/programmes/", advisor_funding.programme_list, name="programmes"),
    path("advisor/programmes/new/", advisor_funding.programme_edit, name="programme_create"),
    path("advisor/programmes/<int:pk>/", advisor_funding.programme_edit, name="programme_edit"),
    path("advisor/help/workflows/", advisor_funding.workflow_help, name="workflow_help"),
    path("advisor/trainings/", advisor_training.demand, name="training_demand"),
    path("advisor/trainings/bundle/<int:topic>/", advisor_training.bundle, name="training_bundle"),
    path("advisor/trainings/<int:pk>/decline/", advisor_training.decline, name="training_decline"),
    path("advisor/sessions/<int:pk>/", advisor_training.session_detail, name="session"),
    path("advisor/sessions/<int:pk>/do/<slug:action>/", advisor_training.session_act, name="session_act"),
]
