namespace HelmSentinel.Action.Tests;

/// <summary>Event payloads shaped as GitHub sends them (trimmed to the fields a deploy step can use).</summary>
internal static class Payloads
{
    public const string HeadSha = "b7e1b5f0c1d2e3f4a5b6c7d8e9f00112233445566";

    public const string PullRequest = $$"""
        {
          "action": "synchronize",
          "number": 7,
          "pull_request": {
            "url": "https://api.github.example/repos/acme/shop/pulls/7",
            "id": 1824467730,
            "number": 7,
            "state": "open",
            "title": "Bump the web image",
            "user": { "login": "octocat", "id": 1, "type": "User" },
            "head": { "label": "acme:bump-web", "ref": "bump-web", "sha": "{{HeadSha}}" },
            "base": { "label": "acme:main", "ref": "main", "sha": "0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f607182930" },
            "draft": false,
            "merged": false
          },
          "repository": { "id": 4242, "name": "shop", "full_name": "acme/shop", "private": true, "owner": { "login": "acme" } },
          "sender": { "login": "octocat", "id": 1, "type": "User" }
        }
        """;

    public const string Push = """
        {
          "ref": "refs/heads/main",
          "before": "0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f607182930",
          "after": "9f4c5e0d1b2a39484756a1b2c3d4e5f601234567",
          "created": false,
          "deleted": false,
          "forced": false,
          "head_commit": { "id": "9f4c5e0d1b2a39484756a1b2c3d4e5f601234567", "message": "Bump web" },
          "repository": { "id": 4242, "name": "shop", "full_name": "acme/shop", "private": true, "owner": { "login": "acme" } },
          "pusher": { "name": "octocat" },
          "sender": { "login": "octocat", "id": 1, "type": "User" }
        }
        """;
}
