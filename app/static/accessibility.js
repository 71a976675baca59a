/* Select boxes enhanced by Select2 carry the accessible name of their <label>: Select2
   hides the <select> and shows its own combobox, named by default only by the value
   shown (nothing when empty). Runs after FAB's ab.js and reclamations.js have set up
   their Select2 boxes, and again for boxes set up later (FAB's filters). */
(function () {
    var counter = 0;

    function labelOf(select) {
        var id = select.getAttribute("id");
        var label = id ? document.querySelector('label[for="' + CSS.escape(id) + '"]') : null;
        if (!label) { label = select.closest("label"); }
        if (!label) { return null; }
        if (!label.id) { label.id = "rec-label-" + (id || "select") + "-" + (++counter); }
        return label;
    }

    function name(select) {
        var container = select.nextElementSibling;
        if (!container || !container.classList.contains("select2-container")) { return; }
        var selection = container.querySelector(".select2-selection");
        if (!selection) { return; }
        var label = labelOf(select);
        var shown = container.querySelector(".select2-selection__rendered");
        if (label) {
            var ids = [label.id];
            if (shown && shown.id) { ids.push(shown.id); } // the name, then the value
            selection.setAttribute("aria-labelledby", ids.join(" "));
            if (shown) { shown.setAttribute("aria-labelledby", label.id); }
            if (!select.getAttribute("aria-labelledby")) {
                select.setAttribute("aria-labelledby", label.id);
            }
        } else if (select.getAttribute("aria-label")) {
            selection.setAttribute("aria-label", select.getAttribute("aria-label"));
            if (shown) { shown.setAttribute("aria-label", select.getAttribute("aria-label")); }
        }
        var search = container.querySelector(".select2-search__field");
        if (search && label) { search.setAttribute("aria-labelledby", label.id); }
    }

    // A multiple box lists its choices in a <ul>, with its "clear" cross as a bare <span>
    // among them, which a list may not hold: the cross gets an <li> of its own.
    function listClear(clear) {
        if (clear.parentElement && clear.parentElement.tagName === "UL") {
            var item = document.createElement("li");
            item.className = "rec-select2-clear";
            clear.parentElement.insertBefore(item, clear);
            item.appendChild(clear);
        }
    }

    function nameAll(root) {
        (root || document).querySelectorAll("select.select2-hidden-accessible").forEach(name);
        (root || document).querySelectorAll("ul > .select2-selection__clear").forEach(listClear);
    }

    window.recNameSelect2 = nameAll;
    if (window.jQuery) {
        jQuery(function () {
            nameAll(document);
            // Select2 boxes made later (a filter added to a list) are named as they come.
            new MutationObserver(function (records) {
                records.forEach(function (record) {
                    record.addedNodes.forEach(function (node) {
                        if (node.nodeType === 1 && node.matches(".select2-container")) {
                            var select = node.previousElementSibling;
                            if (select && select.tagName === "SELECT") { name(select); }
                        }
                        if (node.nodeType === 1 && node.matches(".select2-selection__clear")) {
                            listClear(node);  // drawn again at each change of the value
                        }
                    });
                });
            }).observe(document.body, {childList: true, subtree: true});
        });
    }
})();

/* Bootstrap 3's collapse puts aria-expanded on the panel it opens, where the attribute is
   not allowed (FAB's search panel of every list); only its toggle says whether it is open. */
if (window.jQuery) {
    jQuery(document).on("shown.bs.collapse hidden.bs.collapse", ".collapse", function (e) {
        if (e.target === this) { this.removeAttribute("aria-expanded"); }
    });
}
