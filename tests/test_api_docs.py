def test_openapi_schema_and_browsable_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/people/{id}/absences/" in document["paths"]
    assert document["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    for page in ("/api/v1/docs/", "/api/v1/redoc/"):
        html = client.get(page).content.decode()
        assert "drf_spectacular_sidecar" in html
        assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_unknown_api_path_answers_json(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["id"] == "not_found"
