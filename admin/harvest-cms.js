/* Harvest Ledger's file formats for Decap CMS (loaded after decap-cms.js and js-yaml.min.js).
 *
 * Records (products/<id>.yml, campaigns/<id>.yml) are read with js-yaml's failsafe schema, so that
 * every value stays the text the editor wrote ("29.90" keeps its zero, dates stay YYYY-MM-DD), and
 * written with only the fields that have a value: an empty optional field is left out, as the
 * build expects. The form's "id" field names the new file and is never written into it.
 * Stories (content/stories/<id>.md) are plain Markdown, without front matter.
 */
(function () {
  "use strict";
  var YAML = window.jsyaml;

  function isEmpty(value) {
    if (value === null || value === undefined || value === "") return true;
    if (Array.isArray(value)) return value.length === 0;
    if (typeof value === "object") return Object.keys(value).length === 0;
    return false;
  }

  function clean(value) {
    if (Array.isArray(value)) {
      return value.map(clean).filter(function (v) { return !isEmpty(v); });
    }
    if (value !== null && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (key) {
        var v = clean(value[key]);
        if (!isEmpty(v)) out[key] = v;
      });
      return out;
    }
    return typeof value === "string" ? value.trim() : value;
  }

  function record(schemaPath) {
    return {
      fromFile: function (text) {
        var data = YAML.load(text, { schema: YAML.FAILSAFE_SCHEMA });
        return data && typeof data === "object" ? data : {};
      },
      toFile: function (data, sortedKeys) {
        var tidy = clean(data);
        delete tidy.id;
        var ordered = {};
        (sortedKeys || []).forEach(function (key) {
          if (key in tidy) ordered[key] = tidy[key];
        });
        Object.keys(tidy).forEach(function (key) {
          if (!(key in ordered)) ordered[key] = tidy[key];
        });
        return "# yaml-language-server: $schema=" + schemaPath + "\n" +
          YAML.dump(ordered, { schema: YAML.CORE_SCHEMA, lineWidth: -1, noRefs: true });
      },
    };
  }

  // A new record needs its id (the file's name) and a new story its product: say so in plain
  // words rather than with Decap's "Collection must have a field name that is a valid entry identifier".
  var NEEDS = {
    products: ["id", "请先填写“产品编号”：小写拼音字母、数字和短横线，例如 yangbi-walnut。"],
    campaigns: ["id", "请先填写“活动编号”：小写拼音字母、数字和短横线，例如 yangbi-walnuts-2026。"],
    stories: ["product", "请先选择这篇故事属于哪个产品。"],
  };
  window.CMS.registerEventListener({
    name: "preSave",
    handler: function (args) {
      var entry = args.entry;
      var need = NEEDS[entry.get("collection")];
      if (need && entry.get("newRecord") && !entry.getIn(["data", need[0]])) throw new Error(need[1]);
    },
  });

  window.CMS.registerCustomFormat("harvest-product", "yml", record("../schemas/product.schema.json"));
  window.CMS.registerCustomFormat("harvest-campaign", "yml", record("../schemas/campaign.schema.json"));
  window.CMS.registerCustomFormat("harvest-story", "md", {
    fromFile: function (text) { return { body: text }; },
    toFile: function (data) {
      var body = (data.body || "").replace(/\r\n/g, "\n");
      return body.endsWith("\n") ? body : body + "\n";
    },
  });
})();
