"""Everything that talks to the server: the API client, enrollment, batch and image upload, the
policy, projects and version refresh, device events, and uninstall."""
