"""Speech engines behind one interface (espeak, piper), choosing one (select), and the verified clip cache."""
