-- 0004_language: the language detected with each assessment.
--
-- language is the ISO 639 code the classifier's detector reported with these scores, '' when
-- it could not tell (too short, too few letters) and for every assessment made before
-- detection existed, which the policy treats alike: as a supported language.

ALTER TABLE scores ADD COLUMN language TEXT NOT NULL DEFAULT '';
