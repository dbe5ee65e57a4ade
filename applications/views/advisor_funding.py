from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=501)


queue = review = comment = assign = act = programme_list = programme_edit = workflow_help = _todo
