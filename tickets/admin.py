from django.contrib import admin

from .models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_en", "name_zh_hans", "position", "is_active"]
    list_editable = ["position", "is_active"]
    filter_horizontal = ["agents"]
    search_fields = ["slug", "name_en", "name_zh_hans"]
