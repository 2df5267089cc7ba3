app_name = "recrutement"

urlpatterns: list = []
