/* "Trouver un lieu": "Autour de moi" (browser geolocation) and the map of the listed places.
   Progressive enhancement: without JavaScript or without map tiles, the search form and the list work alone. */
(function () {
  "use strict";

  function autourDeMoi() {
    var bouton = document.getElementById("autour-de-moi");
    var formulaire = document.getElementById("recherche-lieux");
    if (!bouton || !formulaire || !("geolocation" in navigator)) {
      return;
    }
    var statut = document.getElementById("autour-de-moi-statut");
    bouton.hidden = false;
    bouton.addEventListener("click", function () {
      statut.textContent = "Recherche de votre position…";
      bouton.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          formulaire.elements.lat.value = position.coords.latitude.toFixed(5);
          formulaire.elements.lon.value = position.coords.longitude.toFixed(5);
          formulaire.elements.q.value = "";
          formulaire.elements.commune.value = "";
          statut.textContent = "Position trouvée, recherche des lieux proches…";
          formulaire.submit();
        },
        function () {
          bouton.disabled = false;
          statut.textContent =
            "Votre position n’a pas pu être obtenue. Saisissez une commune ou un code postal.";
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
    // A new text search replaces a previous "autour de moi" position.
    formulaire.elements.q.addEventListener("input", function () {
      formulaire.elements.lat.value = "";
      formulaire.elements.lon.value = "";
      formulaire.elements.commune.value = "";
    });
  }

  function lienVers(url, texte) {
    var conteneur = document.createElement("div");
    var titre = document.createElement(url ? "a" : "strong");
    titre.textContent = texte;
    if (url) {
      titre.href = url;
    }
    conteneur.appendChild(titre);
    return conteneur;
  }

  function carte() {
    var element = document.getElementById("carte");
    if (!element || typeof window.L === "undefined") {
      return;
    }
    var lieux = document.querySelectorAll("[data-lieu-lat]");
    if (!lieux.length) {
      return;
    }
    var statut = document.getElementById("carte-statut");
    element.hidden = false;
    var L = window.L;
    var map = L.map(element, { scrollWheelZoom: false });
    var tuiles = element.getAttribute("data-tiles");
    if (tuiles) {
      var erreurs = 0;
      L.tileLayer(tuiles, { maxZoom: 19, attribution: element.getAttribute("data-attribution") })
        .on("tileerror", function () {
          erreurs += 1;
          if (erreurs === 1 && statut) {
            statut.textContent =
              "Le fond de carte n’a pas pu être chargé. La liste des lieux reste disponible.";
          }
        })
        .addTo(map);
    }
    var points = [];
    Array.prototype.forEach.call(lieux, function (lieu) {
      var lat = parseFloat(lieu.getAttribute("data-lieu-lat"));
      var lon = parseFloat(lieu.getAttribute("data-lieu-lon"));
      if (isNaN(lat) || isNaN(lon)) {
        return;
      }
      var nom = lieu.getAttribute("data-lieu-nom");
      var distance = lieu.getAttribute("data-lieu-distance");
      var contenu = lienVers(lieu.getAttribute("data-lieu-url"), nom);
      if (distance) {
        var detail = document.createElement("div");
        detail.textContent = "à " + distance;
        contenu.appendChild(detail);
      }
      L.marker([lat, lon], { title: nom, alt: nom, keyboard: true }).bindPopup(contenu).addTo(map);
      points.push([lat, lon]);
    });
    var liste = document.getElementById("resultats");
    var origineLat = liste && parseFloat(liste.getAttribute("data-origine-lat"));
    var origineLon = liste && parseFloat(liste.getAttribute("data-origine-lon"));
    if (origineLat && origineLon) {
      L.circleMarker([origineLat, origineLon], { radius: 8 })
        .bindTooltip(liste.getAttribute("data-origine-libelle") || "Point de départ")
        .addTo(map);
      points.push([origineLat, origineLon]);
    }
    if (points.length === 1) {
      map.setView(points[0], parseInt(element.getAttribute("data-zoom") || "14", 10));
    } else {
      map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
    }
  }

  autourDeMoi();
  carte();
})();
