-- The default catalog's rewards were stored with English names without a currency ("5.00 off"). Left as the
-- default wrote them, they are now named after what they give in each reader's language ("€5.00 off",
-- "5,00 € Rabatt"); a reward the merchant renamed keeps its name.
UPDATE "Reward"
   SET "definition" = "definition" || '{"autoTitle": true}'::jsonb
 WHERE "id" IN ('default-5-off', 'default-5-credit')
   AND "definition"->>'title' IN ('5.00 off', '5.00 store credit');
