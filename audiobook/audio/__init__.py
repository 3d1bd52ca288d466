"""Sound: loudness (BS.1770, presets, true peak), voice levels, stitching clips with pauses, MP3 pieces through LAME."""
