from django.urls import path

from worklens_server.projects import views

app_name = "projects"

urlpatterns = [
    path("projects/", views.projects, name="projects"),
    path("projects/<uuid:project_id>/", views.project, name="project"),
    path("projects/<uuid:project_id>/edit/", views.update_project, name="update"),
    path("projects/<uuid:project_id>/archive/", views.archive_project, name="archive"),
    path("projects/<uuid:project_id>/unarchive/", views.unarchive_project, name="unarchive"),
    path("projects/<uuid:project_id>/tasks/", views.add_task, name="add_task"),
    path(
        "projects/<uuid:project_id>/tasks/<uuid:task_id>/rename/",
        views.rename_task,
        name="rename_task",
    ),
    path(
        "projects/<uuid:project_id>/tasks/<uuid:task_id>/archive/",
        views.archive_task,
        name="archive_task",
    ),
    path(
        "projects/<uuid:project_id>/tasks/<uuid:task_id>/unarchive/",
        views.unarchive_task,
        name="unarchive_task",
    ),
    path("projects/<uuid:project_id>/members/", views.assign_member, name="assign"),
    path(
        "projects/<uuid:project_id>/members/<uuid:member_id>/rate/",
        views.set_member_rate,
        name="member_rate",
    ),
    path(
        "projects/<uuid:project_id>/members/<uuid:member_id>/remove/",
        views.unassign_member,
        name="unassign",
    ),
]
