/* The desk queue's filters: each <select data-multiselect> becomes a Tom Select (vendored,
   static/vendor/): type to find an option, chips to remove one, no clipped list boxes. The
   placeholder comes from data-placeholder, so it is translated with the page. */
(function () {
  "use strict";
  function enhance(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    var multiple = select.multiple;
    new TomSelect(select, {
      plugins: multiple ? ["remove_button", "checkbox_options"] : [],
      placeholder: select.dataset.placeholder || "",
      allowEmptyOption: !multiple,
      // A single choice always holds one (its empty option reads "Any"): showing the
      // placeholder as well printed "Any" twice.
      hidePlaceholder: !multiple,
      maxOptions: null,
      closeAfterSelect: !multiple,
      render: {
        no_results: function () {
          return '<div class="no-results">' + (select.dataset.noResults || "") + "</div>";
        },
      },
    });
  }
  document.querySelectorAll("select[data-multiselect]").forEach(enhance);
})();
