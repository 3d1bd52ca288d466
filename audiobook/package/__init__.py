"""What wraps the audio: ID3 and MP4 tags, M4B and one-file MP3 containers, playlists, subtitles."""
